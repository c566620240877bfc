// The YAML files a folder brings: the manifest (nested and flat forms, and its lint),
// `.kiket/workbench.yaml` and `.kiket/fixtures.yaml`. Which reader runs is chosen by the build
// (KIKET_FUZZ_YAML); each must answer any text with a value or an error that has a code and words.
#include "fuzzing.h"

#include <kiket/devkit/sandbox/fixtures.h>
#include <kiket/devkit/folder/folderconfig.h>
#include <kiket/devkit/folder/manifestlint.h>
#include <kiket/manifest.h>

#include <QProcessEnvironment>

using namespace kiket::fuzz;

namespace {

template <typename T> void checkError(const kiket::Result<T> &result, const QByteArray &yaml)
{
    if (!result.ok())
        check(!result.error().code.isEmpty() && !result.error().message.isEmpty(),
            "an error without a code or words", yaml);
}

} // namespace

KIKET_FUZZ_TARGET(data, size)
{
    const QByteArray yaml(reinterpret_cast<const char *>(data), qsizetype(size));
#if KIKET_FUZZ_YAML == 1
    static const QProcessEnvironment env = [] {
        QProcessEnvironment e;
        e.insert(QStringLiteral("KIKET_WEBHOOK_SECRET"), QStringLiteral("s3cret"));
        return e;
    }();
    checkError(kiket::parseManifest(yaml, env), yaml);
    for (const auto &finding : kiket::devkit::lintManifest(yaml))
        check(!finding.message.isEmpty(), "a lint finding without words", yaml);
#elif KIKET_FUZZ_YAML == 2
    const auto config = kiket::devkit::applyWorkbenchYaml(kiket::devkit::FolderConfig(), yaml);
    checkError(config, yaml);
    if (config.ok())
        kiket::devkit::findCanned(config.value().canned, QStringLiteral("issue.created"), QStringLiteral("v1"));
#else
    const auto fixtures = kiket::devkit::parseFixtures(yaml);
    checkError(fixtures, yaml);
    if (fixtures.ok())
        fixtures.value().slaEventsFor(QStringLiteral("p1"), QStringLiteral("i1"), QStringLiteral("open"), 3);
#endif
    return 0;
}
