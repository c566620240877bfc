// Recognising an extension folder from its files.
#include "kiket/devkit/folder/folderconfig.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace kiket::devkit {

namespace {

QByteArray readFile(const QDir &dir, const QString &name)
{
    QFile file(dir.filePath(name));
    return file.open(QIODevice::ReadOnly) ? file.read(1 << 20) : QByteArray();
}

// The first top-level file with the suffix whose text matches; preferred names first.
QString findSource(const QDir &dir, const QStringList &preferred, const QString &suffix,
    const QRegularExpression &mentions)
{
    QStringList candidates
        = dir.entryList({ QStringLiteral("*.") + suffix }, QDir::Files, QDir::Name);
    for (const QString &name : preferred) {
        if (candidates.removeAll(name) > 0)
            candidates.prepend(name);
    }
    for (const QString &name : candidates) {
        if (QString::fromUtf8(readFile(dir, name)).contains(mentions))
            return name;
    }
    for (const QString &name : preferred) {
        if (dir.exists(name))
            return name;
    }
    return {};
}

bool detectRuby(const QDir &dir, FolderConfig &c)
{
    if (!dir.exists(QStringLiteral("Gemfile")))
        return false;
    c.language = QStringLiteral("ruby");
    c.handler = HandlerKind::Forward;
    if (dir.exists(QStringLiteral("config.ru"))) {
        // rackup takes the port the runner chooses through PORT, as an argument.
        c.command = { QStringLiteral("bundle"), QStringLiteral("exec"), QStringLiteral("rackup"),
            QStringLiteral("config.ru"), QStringLiteral("--host"), QStringLiteral("127.0.0.1"),
            QStringLiteral("--port"), QStringLiteral("${PORT}") };
        c.detected = QStringLiteral("Ruby (Gemfile and config.ru): bundle exec rackup config.ru");
        return true;
    }
    static const QRegularExpression sdk(QStringLiteral("require\\s+['\"]kiket"));
    const QString main = findSource(dir,
        { QStringLiteral("app.rb"), QStringLiteral("main.rb"), QStringLiteral("server.rb"),
            QStringLiteral("extension.rb") },
        QStringLiteral("rb"), sdk);
    if (!main.isEmpty())
        c.command
            = { QStringLiteral("bundle"), QStringLiteral("exec"), QStringLiteral("ruby"), main };
    c.detected = main.isEmpty()
        ? QStringLiteral("Ruby (Gemfile), but no main file: set 'command' in .kiket/workbench.yaml")
        : QStringLiteral("Ruby (Gemfile): bundle exec ruby %1").arg(main);
    return true;
}

bool detectNode(const QDir &dir, FolderConfig &c)
{
    if (!dir.exists(QStringLiteral("package.json")))
        return false;
    c.language = QStringLiteral("node");
    c.handler = HandlerKind::Forward;
    const QJsonObject package
        = QJsonDocument::fromJson(readFile(dir, QStringLiteral("package.json"))).object();
    if (package.value(QStringLiteral("scripts")).toObject().contains(QStringLiteral("start"))) {
        c.command = { QStringLiteral("npm"), QStringLiteral("start") };
        c.detected = QStringLiteral("Node (package.json): npm start");
    } else {
        const QString main
            = package.value(QStringLiteral("main")).toString(QStringLiteral("index.js"));
        c.command = { QStringLiteral("node"), main };
        c.detected = QStringLiteral("Node (package.json, no start script): node %1").arg(main);
    }
    return true;
}

bool detectPython(const QDir &dir, FolderConfig &c)
{
    if (!dir.exists(QStringLiteral("pyproject.toml"))
        && !dir.exists(QStringLiteral("requirements.txt")))
        return false;
    c.language = QStringLiteral("python");
    c.handler = HandlerKind::Forward;
    static const QRegularExpression sdk(
        QStringLiteral("^\\s*(import\\s+kiket_sdk|from\\s+kiket_sdk\\s+import)"),
        QRegularExpression::MultilineOption);
    const QString main = findSource(dir,
        { QStringLiteral("main.py"), QStringLiteral("app.py"), QStringLiteral("server.py"),
            QStringLiteral("extension.py") },
        QStringLiteral("py"), sdk);
    if (!main.isEmpty())
        c.command = { QStringLiteral("python3"), main };
    c.detected = main.isEmpty()
        ? QStringLiteral("Python, but no module imports kiket_sdk: set 'command' in "
                         ".kiket/workbench.yaml")
        : QStringLiteral("Python: python3 %1").arg(main);
    return true;
}

bool detectCpp(const QDir &dir, FolderConfig &c)
{
    const QString cmake = QString::fromUtf8(readFile(dir, QStringLiteral("CMakeLists.txt")));
    if (!cmake.contains(QLatin1String("KiketSdk"))
        && !cmake.contains(QLatin1String("kiket_add_extension_plugin")))
        return false;
    c.language = QStringLiteral("cpp");
    c.handler = HandlerKind::InProcess;
    c.build = { { QStringLiteral("cmake"), QStringLiteral("-S"), QStringLiteral("."),
                    QStringLiteral("-B"), QStringLiteral("build") },
        { QStringLiteral("cmake"), QStringLiteral("--build"), QStringLiteral("build") } };
    static const QRegularExpression plugin(
        QStringLiteral("kiket_add_extension_plugin\\s*\\(\\s*([A-Za-z0-9_.+-]+)"));
    const auto m = plugin.match(cmake);
    if (m.hasMatch()) {
        c.plugin = dir.filePath(QStringLiteral("build/%1.so").arg(m.captured(1)));
        c.detected
            = QStringLiteral("C++ (CMake with the Kiket SDK): build, then load the plugin %1")
                  .arg(m.captured(1));
    } else {
        c.detected = QStringLiteral("C++ (CMake with the Kiket SDK), but no "
                                    "kiket_add_extension_plugin(): set 'plugin' in "
                                    ".kiket/workbench.yaml");
    }
    return true;
}

} // namespace

FolderConfig detectFolder(const QString &folder)
{
    FolderConfig c;
    c.folder = QDir(folder).absolutePath();
    c.workingDir = c.folder;
    const QDir dir(c.folder);
    if (!detectCpp(dir, c) && !detectRuby(dir, c) && !detectNode(dir, c) && !detectPython(dir, c))
        c.detected = QStringLiteral("nothing recognised (no Gemfile, package.json, pyproject.toml, "
                                    "requirements.txt or CMakeLists.txt with the Kiket SDK)");
    return c;
}

} // namespace kiket::devkit
