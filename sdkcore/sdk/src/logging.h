#pragma once

#include <QLoggingCategory>

namespace kiket {
Q_DECLARE_LOGGING_CATEGORY(lcSdk)
}
