#include "composer.h"

#include "colours.h"
#include "jsonhighlighter.h"

#include <kiket/devkit/sandbox/apiroute.h>
#include <kiket/devkit/delivery/eventcatalogue.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextBlock>

namespace kiket::ui {

using devkit::ReplayMode;

namespace {

QString modeLabel(ReplayMode mode)
{
    switch (mode) {
    case ReplayMode::Verbatim:
        return QObject::tr("verbatim: the original signature");
    case ReplayMode::Resign:
        return QObject::tr("signed now");
    case ReplayMode::WrongSecret:
        return QObject::tr("signed with a wrong secret");
    case ReplayMode::Unsigned:
        return QObject::tr("unsigned");
    case ReplayMode::Stale:
        return QObject::tr("stale: signed 10 minutes ago");
    case ReplayMode::BodyOnly:
        return QObject::tr("old scheme: HMAC of the body alone");
    }
    return {};
}

} // namespace

Composer::Composer(QWidget *parent)
    : QWidget(parent)
    , m_event(new QComboBox)
    , m_version(new QLineEdit)
    , m_secrets(new QLineEdit)
    , m_editor(new QPlainTextEdit)
    , m_mode(new QComboBox)
    , m_status(new QLabel)
    , m_send(new QPushButton(tr("&Send")))
    , m_fresh(new QPushButton(tr("&New delivery")))
{
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    new JsonHighlighter(m_editor->document());
    m_version->setPlaceholderText(QStringLiteral("v1"));
    m_secrets->setPlaceholderText(tr("KEY=value; OTHER=value"));
    m_secrets->setEchoMode(QLineEdit::PasswordEchoOnEdit);
    m_secrets->setToolTip(tr("Payload secrets: sent in the delivery's \"secrets\" object"));
    m_send->setToolTip(tr("Send (Ctrl+Return)"));
    m_status->setWordWrap(true);

    auto *scopes = new QWidget;
    auto *grid = new QGridLayout(scopes);
    grid->setContentsMargins(0, 0, 0, 0);
    const QStringList known = devkit::knownScopes();
    for (int i = 0; i < known.size(); ++i) {
        auto *box = new QCheckBox(known[i]);
        box->setChecked(known[i] == QLatin1String("*"));
        m_scopes << box;
        grid->addWidget(box, i / 4, i % 4);
    }

    auto *form = new QFormLayout;
    auto *eventRow = new QHBoxLayout;
    eventRow->addWidget(m_event, 3);
    eventRow->addWidget(new QLabel(tr("Version")));
    eventRow->addWidget(m_version, 1);
    form->addRow(tr("Event"), eventRow);
    form->addRow(tr("Token scopes"), scopes);
    form->addRow(tr("Payload &secrets"), m_secrets);
    auto *buttons = new QHBoxLayout;
    auto *modeCaption = new QLabel(tr("&Mode"));
    modeCaption->setBuddy(m_mode);
    buttons->addWidget(modeCaption);
    buttons->addWidget(m_mode, 1);
    buttons->addWidget(m_fresh);
    buttons->addWidget(m_send);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_editor, 1);
    layout->addWidget(m_status);
    layout->addLayout(buttons);

    connect(m_editor, &QPlainTextEdit::textChanged, this, &Composer::validate);
    connect(m_send, &QPushButton::clicked, this, [this] {
        if (m_problem.isEmpty())
            emit sendRequested();
    });
    connect(m_fresh, &QPushButton::clicked, this, [this] { newDelivery(m_event->currentText()); });
    connect(m_event, &QComboBox::textActivated, this, &Composer::newDelivery);
    showMode();
}

void Composer::setCatalogue(const devkit::EventCatalogue *catalogue)
{
    m_catalogue = catalogue;
    m_event->clear();
    if (catalogue)
        m_event->addItems(catalogue->names());
}

void Composer::newDelivery(const QString &event)
{
    m_original.reset();
    m_event->setCurrentText(event);
    const auto sample = m_catalogue ? m_catalogue->find(event) : std::nullopt;
    m_version->setText(sample ? sample->version : QStringLiteral("v1"));
    m_editor->setPlainText(sample
            ? QString::fromUtf8(QJsonDocument(sample->payload).toJson(QJsonDocument::Indented))
            : QStringLiteral("{\n}\n"));
    showMode();
}

void Composer::editCapture(const devkit::Exchange &delivery)
{
    m_original = delivery;
    m_event->setCurrentText(delivery.event);
    m_version->setText(delivery.version);
    const QJsonDocument doc = QJsonDocument::fromJson(delivery.requestBody);
    m_editor->setPlainText(doc.isNull() ? QString::fromUtf8(delivery.requestBody)
                                        : QString::fromUtf8(doc.toJson(QJsonDocument::Indented)));
    showMode();
}

// A new delivery carries event, version, scopes and secrets in its envelope; an edited capture
// already has them in its body, so only the body and the mode apply.
void Composer::showMode()
{
    const bool editing = m_original.has_value();
    m_event->setEnabled(!editing);
    m_version->setEnabled(!editing);
    m_secrets->setEnabled(!editing);
    for (QCheckBox *box : std::as_const(m_scopes))
        box->setEnabled(!editing);
    m_fresh->setVisible(editing);
    m_mode->clear();
    for (const ReplayMode mode : devkit::replayModes()) {
        if (mode != ReplayMode::Verbatim || editing)
            m_mode->addItem(modeLabel(mode), int(mode));
    }
    m_mode->setCurrentIndex(m_mode->findData(int(ReplayMode::Resign)));
    m_send->setText(editing ? tr("&Send edited #%1").arg(m_original->id) : tr("&Send"));
    validate();
}

void Composer::validate()
{
    QJsonParseError error;
    const QByteArray text = m_editor->toPlainText().toUtf8();
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    QList<QTextEdit::ExtraSelection> marks;
    if (error.error != QJsonParseError::NoError) {
        // Qt reports some errors past the whitespace after the bad token: point at the token.
        int at = error.offset;
        while (at > 0 && at <= text.size() && QChar(text[at - 1]).isSpace())
            --at;
        const auto [line, column] = lineAndColumn(text, at < error.offset ? at - 1 : at);
        m_problem = tr("Line %1, column %2: %3").arg(line).arg(column).arg(error.errorString());
        QTextEdit::ExtraSelection mark;
        mark.cursor = QTextCursor(m_editor->document()->findBlockByNumber(line - 1));
        mark.format.setBackground(colours::badBackground(palette()));
        mark.format.setProperty(QTextFormat::FullWidthSelection, true);
        marks << mark;
    } else if (!doc.isObject()) {
        m_problem = tr("The payload must be a JSON object");
    } else {
        m_problem.clear();
    }
    m_editor->setExtraSelections(marks);
    m_status->setText(m_problem.isEmpty()
            ? (m_original ? tr("Editing delivery #%1; sent as a replay of it").arg(m_original->id)
                          : tr("Valid JSON"))
            : m_problem);
    QPalette palette; // the application's; an error reads in red on it
    if (!m_problem.isEmpty())
        palette.setColor(QPalette::WindowText, colours::badText(palette));
    m_status->setPalette(palette);
    m_send->setEnabled(m_problem.isEmpty());
}

QStringList Composer::scopes() const
{
    QStringList out;
    for (const QCheckBox *box : m_scopes) {
        if (box->isChecked())
            out << box->text();
    }
    return out;
}

void Composer::setScopes(const QStringList &scopes)
{
    for (QCheckBox *box : std::as_const(m_scopes))
        box->setChecked(scopes.contains(box->text()));
}

QJsonObject Composer::payloadSecrets() const
{
    QJsonObject out;
    for (const QString &pair : m_secrets->text().split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const qsizetype eq = pair.indexOf(QLatin1Char('='));
        if (eq > 0)
            out.insert(pair.left(eq).trimmed(), pair.mid(eq + 1).trimmed());
    }
    return out;
}

Result<HttpRequest> Composer::request(const ComposerContext &context) const
{
    if (!m_problem.isEmpty())
        return Error { QStringLiteral("composer.json"), m_problem };
    const QByteArray text = m_editor->toPlainText().toUtf8();
    const QJsonObject payload = QJsonDocument::fromJson(text).object();
    const auto mode = ReplayMode(m_mode->currentData().toInt());
    if (m_original) {
        HttpRequest r = devkit::requestOf(*m_original);
        // Unchanged JSON keeps the original bytes, so a verbatim replay stays byte-exact.
        if (QJsonDocument::fromJson(r.body).object() != payload)
            r.body = text;
        r = devkit::prepareReplay(r, mode, context.webhookSecret);
        r.headers.append({ devkit::kReplayOfHeaderName, QByteArray::number(m_original->id) });
        return r;
    }
    devkit::DeliverySpec spec;
    spec.event = m_event->currentText().trimmed();
    spec.version = m_version->text().trimmed();
    if (spec.event.isEmpty() || spec.version.isEmpty())
        return Error { QStringLiteral("composer.event"), tr("Choose an event and a version") };
    spec.payload = payload;
    spec.webhookSecret = context.webhookSecret;
    spec.issuer = context.issuer;
    spec.grant.scopes = scopes();
    spec.apiBaseUrl = context.apiBaseUrl;
    spec.payloadSecrets = payloadSecrets();
    const HttpRequest prepared = devkit::prepareDelivery(spec).request;
    return mode == ReplayMode::Resign
        ? prepared
        : devkit::prepareReplay(prepared, mode, context.webhookSecret);
}

} // namespace kiket::ui
