#pragma once

/// Everything an extension needs: `#include <kiket/kiket.h>`.

#include "kiket/client.h"
#include "kiket/config.h"
#include "kiket/context.h"
#include "kiket/endpoints.h"
#include "kiket/hmac.h"
#include "kiket/http.h"
#include "kiket/jwt.h"
#include "kiket/manifest.h"
#include "kiket/result.h"
#include "kiket/sdk.h"
#include "kiket/telemetry.h"
