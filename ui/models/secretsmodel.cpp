#include "secretsmodel.h"

#include <kiket/devkit/folder/localsecrets.h>

namespace kiket::ui {

namespace {

const QString kMask = QStringLiteral("••••••••");

} // namespace

SecretsModel::SecretsModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int SecretsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_keys.size());
}

int SecretsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString SecretsModel::valueAt(int row, int column) const
{
    const QString &key = m_keys.at(row);
    switch (column) {
    case Local:
        return m_sources.local.value(key);
    case Sandbox:
        return m_sources.sandbox.value(key);
    case Payload:
        return m_sources.payload.value(key);
    default:
        return {};
    }
}

QVariant SecretsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const QString &key = m_keys.at(row);
    const int column = index.column();
    const bool isValue = column == Local || column == Sandbox || column == Payload;
    if (role == ValueRole)
        return isValue ? valueAt(row, column) : QVariant();
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    if (isValue) {
        const QMap<QString, QString> &where = column == Local ? m_sources.local
            : column == Sandbox                               ? m_sources.sandbox
                                                              : m_sources.payload;
        if (!where.contains(key))
            return QStringLiteral("—");
        return isRevealed(key) ? where.value(key) : kMask;
    }
    if (column == Key)
        return key;
    if (column == Declared)
        return m_sources.declared.contains(key) ? tr("declared") : QString();
    // Fingerprint of the first value present; "differs" when the places disagree.
    QStringList values;
    for (int c : { Local, Sandbox, Payload }) {
        const QString v = valueAt(row, c);
        if (!v.isEmpty())
            values << v;
    }
    if (values.isEmpty())
        return tr("no value");
    values.removeDuplicates();
    const QString print = devkit::secretFingerprint(values.first());
    return values.size() > 1 ? tr("%1 (values differ)").arg(print) : print;
}

QVariant SecretsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const QStringList names { tr("Key"), tr("Manifest"), tr("Local value"),
        tr("Sandbox store"), tr("Payload"), tr("Fingerprint") };
    return names.value(section);
}

void SecretsModel::setSources(const SecretSources &sources)
{
    QStringList keys
        = sources.declared + sources.local.keys() + sources.sandbox.keys() + sources.payload.keys();
    keys.removeDuplicates();
    keys.sort();
    beginResetModel();
    m_sources = sources;
    m_keys = keys;
    endResetModel();
}

void SecretsModel::setRevealed(const QString &key, bool revealed)
{
    const int row = rowOf(key);
    if (row < 0 || revealed == isRevealed(key))
        return;
    if (revealed)
        m_revealed.insert(key);
    else
        m_revealed.remove(key);
    emit dataChanged(index(row, Local), index(row, Payload));
}

} // namespace kiket::ui
