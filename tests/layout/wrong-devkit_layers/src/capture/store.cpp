// A capture file reaching up into the listener: the layer check must refuse it.
#include "listener/forwarder.h"
#include <QString>
