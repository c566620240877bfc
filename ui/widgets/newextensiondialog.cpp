#include "newextensiondialog.h"

#include "colours.h"

#include <kiket/devkit/folder/manifestlint.h>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace kiket::ui {

NewExtensionDialog::NewExtensionDialog(const QString &parentFolder, QWidget *parent)
    : QDialog(parent)
    , m_folder(new QLineEdit(QDir(parentFolder).filePath(QStringLiteral("my-extension"))))
    , m_language(new QComboBox)
    , m_id(new QLineEdit)
    , m_events(new QListWidget)
    , m_problem(new QLabel)
{
    setWindowTitle(tr("New extension"));
    m_language->addItem(tr("C++ (Kiket C++ SDK, loaded in-process)"), QStringLiteral("cpp"));
    m_language->addItem(tr("Python (standard library only)"), QStringLiteral("python"));
    m_language->addItem(tr("Node.js (@kiket-dev/sdk)"), QStringLiteral("node"));
    m_language->addItem(tr("Ruby (kiket-sdk)"), QStringLiteral("ruby"));
    m_language->setCurrentIndex(1);
    m_id->setPlaceholderText(tr("com.example.<folder name>"));
    QStringList events = devkit::knownEventNames();
    events.sort();
    for (const QString &event : events) {
        auto *item = new QListWidgetItem(event, m_events);
        item->setCheckState(event == QLatin1String("issue.created") ? Qt::Checked : Qt::Unchecked);
    }
    m_problem->setWordWrap(true);
    QPalette bad = m_problem->palette();
    bad.setColor(QPalette::WindowText, colours::badText(bad));
    m_problem->setPalette(bad);

    auto *browse = new QPushButton(tr("&Browse…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(
            this, tr("Where the extension's folder goes"), QFileInfo(m_folder->text()).path());
        if (!folder.isEmpty())
            m_folder->setText(QDir(folder).filePath(QFileInfo(m_folder->text()).fileName()));
    });
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    auto *form = new QFormLayout;
    auto *folderLabel = new QLabel(tr("&Folder"));
    folderLabel->setBuddy(m_folder); // a row of a layout gets no buddy of its own
    form->addRow(folderLabel, folderRow);
    form->addRow(tr("&Language"), m_language);
    form->addRow(tr("&Id"), m_id);
    form->addRow(tr("&Events"), m_events);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Create and open"));
    connect(buttons, &QDialogButtonBox::accepted, this, &NewExtensionDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    resize(560, 520);
}

devkit::ScaffoldOptions NewExtensionDialog::options() const
{
    devkit::ScaffoldOptions o;
    o.folder = m_folder->text().trimmed();
    o.language = m_language->currentData().toString();
    o.id = m_id->text().trimmed();
    for (int row = 0; row < m_events->count(); ++row)
        if (m_events->item(row)->checkState() == Qt::Checked)
            o.events << m_events->item(row)->text();
    return o;
}

void NewExtensionDialog::accept()
{
    const devkit::ScaffoldOptions o = options();
    const auto written = devkit::createExtension(o);
    if (!written) {
        m_problem->setText(written.error().message);
        return;
    }
    m_created = QFileInfo(o.folder).absoluteFilePath();
    QDialog::accept();
}

} // namespace kiket::ui
