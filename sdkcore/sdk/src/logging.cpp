#include "logging.h"

namespace kiket {
Q_LOGGING_CATEGORY(lcSdk, "kiket.sdk")
}
