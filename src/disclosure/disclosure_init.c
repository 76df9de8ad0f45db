/*
 * disclosure_init.c - wiring 事后公开 into the records at start-up.
 */
#include "core/core.h"
#include "disclosure/disclosure_int.h"
#include "records/decision.h"

void disclosure_init(void)
{
	if (records_on_finalised(disclosure_on_finalised) < 0)
		die("disclosure: 定稿回调已满");
	(void)disclosure_rules();
}
