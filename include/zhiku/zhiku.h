/* zhiku/zhiku.h - umbrella header of libzhiku */
#ifndef ZHIKU_ZHIKU_H
#define ZHIKU_ZHIKU_H

#include "zhiku/common.h"
#include "zhiku/error.h"
#include "zhiku/version.h"
#include "zhiku/normalize.h"
#include "zhiku/segment.h"
#include "zhiku/index.h"
#include "zhiku/search.h"

#endif
