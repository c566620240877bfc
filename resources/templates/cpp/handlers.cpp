// The handlers of {{name}}, one per event. The workbench loads them in-process from the plugin;
// main.cpp serves them on their own.
#include <kiket/kiket.h>

void registerHandlers(kiket::Sdk &sdk)
{
{{handlers}}}
