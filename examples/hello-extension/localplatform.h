#pragma once

#include <kiket/testing.h>

#include <memory>

/// A stand-in for the Kiket platform so the example works offline: plausible answers, each call
/// printed.
class LocalPlatform
{
public:
    LocalPlatform();
    QString baseUrl() const { return m_platform.baseUrl(); }

private:
    kiket::testing::FakePlatform m_platform;
};
