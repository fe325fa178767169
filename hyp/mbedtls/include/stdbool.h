/* SPDX-License-Identifier: GPL-2.0-only */
/* Freestanding <stdbool.h>: for hyp/include/bootops/port.h's host branch. */
#ifndef BOOTOPS_SHIM_STDBOOL_H
#define BOOTOPS_SHIM_STDBOOL_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#else
#define bool	_Bool
#define true	1
#define false	0
#endif

#endif
