#include "panelsession.h"
// Excluded from the check: PanelSession holds the devkit::Session &session it narrows.
