// A panel that holds the whole session and asks the main window: the check must refuse it.
#include "mainwindow.h"
class Session;
struct Panel { kiket::devkit::Session &session; };
