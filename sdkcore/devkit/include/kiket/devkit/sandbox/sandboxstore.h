#pragma once

#include <kiket/result.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

class QSqlQuery;

namespace kiket::devkit {
class WalCheckpoint;
}

namespace kiket::devkit {

/// Where custom data lives: one table of one module in one project.
struct RecordTable
{
    QString projectId;
    QString module;
    QString table;
};

/// The sandbox platform's own state for one extension folder (`.kiket/workbench/sandbox.sqlite`,
/// WAL, owner-only file mode): custom-data records, secrets, the event log and notifications.
/// One thread per instance.
class SandboxStore
{
public:
    static Result<std::unique_ptr<SandboxStore>> open(const QString &extensionFolder);
    ~SandboxStore();

    /// Records as `{"id", …fields, "created_at", "updated_at"}`, oldest first; limit ≤ 0 means all;
    /// filters keep records whose fields equal every given value.
    QJsonArray listRecords(
        const RecordTable &where, int limit = 0, const QJsonObject &filters = {}) const;
    std::optional<QJsonObject> record(const RecordTable &where, const QString &id) const;
    /// Stores a new record and returns it with its id and times.
    Result<QJsonObject> createRecord(const RecordTable &where, const QJsonObject &fields);
    /// Merges the given fields into a record (a null value removes the field); nothing when it is
    /// missing.
    std::optional<QJsonObject> updateRecord(
        const RecordTable &where, const QString &id, const QJsonObject &fields);
    /// False when there was no such record.
    bool deleteRecord(const RecordTable &where, const QString &id);

    /// The extension's secret keys, sorted.
    QStringList secretKeys(const QString &extensionId) const;
    /// `[{"key", "created_at", "updated_at"}]`, sorted by key; no values.
    QJsonArray secretList(const QString &extensionId) const;
    std::optional<QString> secret(const QString &extensionId, const QString &key) const;
    void setSecret(const QString &extensionId, const QString &key, const QString &value);
    /// False when there was no such secret.
    bool deleteSecret(const QString &extensionId, const QString &key);

    /// Appends to the extension's event log (log_event, logs and metrics calls).
    void logEvent(const QString &extensionId, const QString &kind, const QJsonObject &body);
    /// The log, oldest first, each as `{"kind", "at", …body}`.
    QJsonArray eventLog(const QString &extensionId) const;
    /// Stores a notification (`{title, body, level}`).
    void notify(const QJsonObject &notification);
    QJsonArray notifications() const;

    /// Set when the file could not be read: it was kept aside and an empty one started.
    const QString &warning() const { return m_warning; }

private:
    SandboxStore() = default;
    QString m_connection;
    QString m_warning;
    std::unique_ptr<QSqlQuery> m_logInsert; // prepared once: an API call logs on its answer's path
    std::unique_ptr<WalCheckpoint> m_checkpoint; // outlives the connection
};

} // namespace kiket::devkit
