#pragma once

#include <kiket/devkit/folder/scaffold.h>

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;

namespace kiket::ui {

/// File > New extension…: a folder, a language, an id and the events to handle. OK writes the
/// extension from its template (see devkit::createExtension) and closes; a wrong option is said
/// under the fields and nothing is written.
class NewExtensionDialog : public QDialog
{
    Q_OBJECT

public:
    explicit NewExtensionDialog(const QString &parentFolder, QWidget *parent = nullptr);

    /// What the fields say.
    devkit::ScaffoldOptions options() const;
    /// The folder written, once accepted.
    QString createdFolder() const { return m_created; }

    QLineEdit *folderEdit() const { return m_folder; }
    QComboBox *languageBox() const { return m_language; }
    QLineEdit *idEdit() const { return m_id; }
    QListWidget *eventList() const { return m_events; }
    QLabel *problem() const { return m_problem; }

    void accept() override;

private:
    QLineEdit *m_folder;
    QComboBox *m_language;
    QLineEdit *m_id;
    QListWidget *m_events;
    QLabel *m_problem;
    QString m_created;
};

} // namespace kiket::ui
