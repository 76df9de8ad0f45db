/*
 * disclosure_init.c - wiring 事后公开 into the records at start-up, and the
 * portal's search index (search.h) into every change of what is public.
 */
#include "core/core.h"
#include "disclosure/disclosure_int.h"
#include "disclosure/search.h"
#include "records/decision.h"

void disclosure_init(void)
{
	if (records_on_finalised(disclosure_on_finalised) < 0)
		die("disclosure: 定稿回调已满");
	/* the portal's search index follows every change of what is public */
	if (disclosure_on_change(disclosure_search_update) < 0)
		die("disclosure: 公开变更回调已满");
	(void)disclosure_rules();
}
