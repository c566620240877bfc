// A shared module that loads but is no extension plugin: it lacks the entry point.
extern "C" int notAKiketPlugin()
{
    return 42;
}
