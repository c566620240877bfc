// A plugin whose registration fails, to check the workbench reports it and stays up.
#include <kiket/sdk.h>

#include <stdexcept>

void registerThrowing(kiket::Sdk &)
{
    throw std::runtime_error("missing configuration file");
}
