#pragma once

#include <kiket/result.h>

#include <QJsonObject>
#include <QList>
#include <QStringList>

#include <optional>

namespace kiket::devkit {

/// One sample delivery: an event, its default version and a realistic payload (without envelope).
struct CatalogueEvent
{
    QString event;
    QString version;
    QString description;
    QJsonObject payload;
    QString source; ///< The file it came from.
};

/// The events the workbench can send, read from the built-in samples or from a folder of JSON
/// files.
class EventCatalogue
{
public:
    /// The samples shipped with the workbench (resources/events).
    static Result<EventCatalogue> builtIn();
    /// Every `*.json` in a folder; a broken file is an error naming it, with line and column.
    static Result<EventCatalogue> fromDirectory(const QString &directory);

    /// All events, sorted by name.
    const QList<CatalogueEvent> &events() const { return m_events; }
    /// Event names, sorted.
    QStringList names() const;
    /// The sample for an event, if there is one.
    std::optional<CatalogueEvent> find(const QString &event) const;

private:
    explicit EventCatalogue(QList<CatalogueEvent> events)
        : m_events(std::move(events))
    { }
    QList<CatalogueEvent> m_events;
};

/// Parses one catalogue file's text; `source` names it in errors.
Result<CatalogueEvent> parseCatalogueEvent(const QByteArray &json, const QString &source);

} // namespace kiket::devkit
