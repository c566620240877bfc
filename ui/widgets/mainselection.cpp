// What the window does with the selected rows: diff, copy, save as fixture.
#include "diffview.h"
#include "mainwindow.h"
#include "trafficmodel.h"

#include <kiket/devkit/capture/capturewriter.h>
#include <kiket/devkit/capture/export.h>
#include <kiket/devkit/session.h>

#include <QClipboard>
#include <QFile>
#include <QFileDialog>
#include <QGuiApplication>
#include <QItemSelectionModel>
#include <QStatusBar>
#include <QTableView>

namespace kiket::ui {

QList<qint64> MainWindow::selectedIds() const
{
    QList<qint64> ids;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    for (const QModelIndex &index : rows)
        ids << index.data(TrafficModel::IdRole).toLongLong();
    if (ids.isEmpty() && selectedId())
        ids << selectedId();
    std::sort(ids.begin(), ids.end());
    return ids;
}

void MainWindow::loadExchanges(
    const QList<qint64> &ids, std::function<void(const QList<devkit::Exchange> &)> done)
{
    struct Pending
    {
        QList<std::optional<devkit::Exchange>> found;
        int waiting = 0;
    };
    auto pending = std::make_shared<Pending>();
    pending->found.resize(ids.size());
    pending->waiting = int(ids.size());
    for (int i = 0; i < ids.size(); ++i) {
        m_session.captures().findLater(ids[i], this, [pending, i, done](const auto &d) {
            pending->found[i] = d.exchange;
            if (--pending->waiting > 0)
                return;
            QList<devkit::Exchange> all;
            for (const auto &e : std::as_const(pending->found)) {
                if (e)
                    all << *e;
            }
            done(all);
        });
    }
}

DiffView *MainWindow::diffView() const
{
    return m_diff;
}

bool MainWindow::diffSelected()
{
    QList<qint64> ids = selectedIds();
    if (ids.size() == 1) { // a replay against its original
        const int row = m_traffic.rowOf(ids.first());
        if (row < 0 || !m_traffic.summaryAt(row).replayOf)
            return false;
        ids.prepend(m_traffic.summaryAt(row).replayOf);
    }
    if (ids.size() != 2)
        return false;
    loadExchanges(ids, [this](const QList<devkit::Exchange> &both) {
        if (both.size() != 2)
            return;
        if (m_diff)
            m_diff->close();
        m_diff = new DiffView(both[0], both[1], this);
        m_diff->setAttribute(Qt::WA_DeleteOnClose);
        m_diff->show();
    });
    return true;
}

bool MainWindow::copySelected(const QString &format)
{
    const QList<qint64> ids = selectedIds();
    if (ids.isEmpty())
        return false;
    loadExchanges(ids, [this, format](const QList<devkit::Exchange> &all) {
        devkit::ExportOptions options; // URLs from each request's Host: listener or sandbox
        QString text;
        if (format == QLatin1String("curl")) {
            QStringList commands;
            for (const devkit::Exchange &e : all)
                commands << devkit::toCurl(e, options);
            text = commands.join(QStringLiteral("\n\n"));
        } else {
            text = QString::fromUtf8(format == QLatin1String("har")
                    ? devkit::toHar(all, options)
                    : devkit::toNdjson(all, options));
        }
        QGuiApplication::clipboard()->setText(text);
        statusBar()->showMessage(
            tr("Copied %n exchange(s) as %1 (secrets redacted)", nullptr, int(all.size()))
                .arg(format),
            4000);
    });
    return true;
}

bool MainWindow::saveSelectedAsFixture(const QString &chosenPath)
{
    const qint64 id = selectedDeliveryId();
    if (!id)
        return false;
    loadExchanges({ id }, [this, chosenPath](const QList<devkit::Exchange> &found) {
        if (found.isEmpty())
            return;
        QString path = chosenPath;
        if (path.isEmpty())
            path = QFileDialog::getSaveFileName(this, tr("Save as fixture"),
                m_session.config().folder + QLatin1Char('/') + found.first().event
                    + QStringLiteral(".json"),
                tr("JSON (*.json)"));
        if (path.isEmpty())
            return;
        QFile file(path);
        const QByteArray bytes = devkit::toFixture(found.first());
        const bool ok = file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            && file.write(bytes) == bytes.size();
        statusBar()->showMessage(ok
                ? tr("Saved #%1 as a fixture: %2").arg(found.first().id).arg(path)
                : tr("Cannot write %1: %2").arg(path, file.errorString()),
            6000);
        emit fixtureSaved(ok ? path : QString());
    });
    return true;
}

} // namespace kiket::ui
