#include "kiket/devkit/delivery/eventcatalogue.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>

#include <algorithm>

namespace kiket::devkit {

namespace {

// Line and column (1-based) of a byte offset, for JSON parse errors.
std::pair<int, int> position(const QByteArray &text, int offset)
{
    const QByteArray before = text.left(offset);
    const int line = int(before.count('\n')) + 1;
    const int column = int(offset - (before.lastIndexOf('\n') + 1)) + 1;
    return { line, column };
}

Error invalid(const QString &source, const QString &message)
{
    return Error { QStringLiteral("catalogue.invalid"),
        QStringLiteral("%1: %2").arg(source, message) };
}

} // namespace

Result<CatalogueEvent> parseCatalogueEvent(const QByteArray &json, const QString &source)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError) {
        const auto [line, column] = position(json, error.offset);
        return Error { QStringLiteral("catalogue.json"),
            QStringLiteral("%1: not JSON: %2").arg(source, error.errorString()), line, column };
    }
    const QJsonObject o = doc.object();
    CatalogueEvent e;
    e.event = o.value(QStringLiteral("event")).toString();
    e.version = o.value(QStringLiteral("version")).toString();
    e.description = o.value(QStringLiteral("description")).toString();
    e.payload = o.value(QStringLiteral("payload")).toObject();
    e.source = source;
    if (!doc.isObject() || e.event.isEmpty())
        return invalid(source, QStringLiteral("needs an object with an \"event\" name"));
    if (e.version.isEmpty())
        return invalid(source, QStringLiteral("needs a default \"version\""));
    if (!o.value(QStringLiteral("payload")).isObject())
        return invalid(source, QStringLiteral("needs a \"payload\" object"));
    return e;
}

Result<EventCatalogue> EventCatalogue::fromDirectory(const QString &directory)
{
    const QDir dir(directory);
    if (!dir.exists())
        return Error { QStringLiteral("catalogue.missing"),
            QStringLiteral("%1 does not exist").arg(directory) };
    QList<CatalogueEvent> events;
    const QStringList files = dir.entryList({ QStringLiteral("*.json") }, QDir::Files, QDir::Name);
    for (const QString &name : files) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            return Error { QStringLiteral("catalogue.read"),
                QStringLiteral("Cannot read %1: %2").arg(file.fileName(), file.errorString()) };
        auto parsed = parseCatalogueEvent(file.readAll(), file.fileName());
        if (!parsed)
            return parsed.error();
        events.append(parsed.value());
    }
    std::sort(events.begin(), events.end(),
        [](const CatalogueEvent &a, const CatalogueEvent &b) { return a.event < b.event; });
    return EventCatalogue(std::move(events));
}

Result<EventCatalogue> EventCatalogue::builtIn()
{
    return fromDirectory(QStringLiteral(":/kiket/events"));
}

QStringList EventCatalogue::names() const
{
    QStringList out;
    for (const CatalogueEvent &e : m_events)
        out << e.event;
    return out;
}

std::optional<CatalogueEvent> EventCatalogue::find(const QString &event) const
{
    for (const CatalogueEvent &e : m_events) {
        if (e.event == event)
            return e;
    }
    return std::nullopt;
}

} // namespace kiket::devkit
