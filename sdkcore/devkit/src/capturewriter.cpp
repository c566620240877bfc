#include "kiket/devkit/capturewriter.h"

namespace kiket::devkit {

namespace {

// Runs work on the context's thread and waits for it (directly when already there).
template<class F> void runOn(QObject *context, F &&work)
{
    if (QThread::currentThread() == context->thread())
        work();
    else
        QMetaObject::invokeMethod(context, std::forward<F>(work), Qt::BlockingQueuedConnection);
}

} // namespace

Result<std::unique_ptr<CaptureWriter>> CaptureWriter::open(
    const QString &extensionFolder, int retention)
{
    std::unique_ptr<CaptureWriter> writer(new CaptureWriter);
    writer->m_thread.setObjectName(QStringLiteral("kiket-capture"));
    writer->m_thread.start();
    writer->m_context = new QObject;
    writer->m_context->moveToThread(&writer->m_thread);
    Error failure;
    CaptureWriter *w = writer.get();
    runOn(w->m_context, [&] {
        auto store = CaptureStore::open(extensionFolder, retention);
        if (!store) {
            failure = store.error();
            return;
        }
        w->m_store = std::move(store).value();
        w->m_warning = w->m_store->warning();
    });
    if (!w->m_store)
        return failure; // the destructor stops the thread
    return writer;
}

CaptureWriter::~CaptureWriter()
{
    QObject *context = m_context;
    runOn(context, [this, context] {
        m_store.reset();
        delete context;
    });
    m_thread.quit();
    m_thread.wait();
}

Result<qint64> CaptureWriter::append(const Exchange &exchange)
{
    Result<qint64> result = Error {};
    runOn(m_context, [&] { result = m_store->append(exchange); });
    return result;
}

QList<Exchange> CaptureWriter::load(int limit)
{
    QList<Exchange> out;
    runOn(m_context, [&] { out = m_store->load(limit); });
    return out;
}

QList<ExchangeSummary> CaptureWriter::loadSummaries(int limit)
{
    QList<ExchangeSummary> out;
    runOn(m_context, [&] { out = m_store->loadSummaries(limit); });
    return out;
}

std::optional<Exchange> CaptureWriter::find(qint64 id)
{
    std::optional<Exchange> out;
    runOn(m_context, [&] { out = m_store->find(id); });
    return out;
}

int CaptureWriter::adoptChildren(qint64 parentId, const QString &tokenId)
{
    int adopted = 0;
    runOn(m_context, [&] { adopted = m_store->adoptChildren(parentId, tokenId); });
    return adopted;
}

QString CaptureWriter::warning() const
{
    return m_warning;
}

} // namespace kiket::devkit
