/*
 * flow_int.h - what the files of the review flow share (flow.c, flow_read.c).
 */
#ifndef ZHIFA_REVIEW_FLOW_INT_H
#define ZHIFA_REVIEW_FLOW_INT_H
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include <jansson.h>

/* A round with the state its events give. */
struct rv_round {
	long long id, case_id, unit_id, submitted_by;
	int round_no;
	bool major;
	char state[16];           /* flow.h's states */
	long long reviewer_id;    /* assigned or claimed; 0 none */
	char decided_verdict[12]; /* the leader's, when decided */
	json_t *last_opinion;     /* detail of the round's opinion (or NULL) */
	long long decision_doc_id; /* the decision draft submitted with it; 0 none */
	char material[65];         /* its material hash (records/decision.h); "" none */
};
/* Load round id with its state.  ERR_NOTFOUND. */
int rv_round_load(struct db *db, long long id, struct rv_round *rd, struct err *e);
/* The latest round of case_id (no lock).  ERR_CONFLICT when none. */
int rv_round_latest(struct db *db, long long case_id, struct rv_round *rd, struct err *e);
void rv_round_release(struct rv_round *rd);
/* "受理" … for an event type. */
const char *rv_event_label(const char *type);
int rv_db_fail(struct db *db, struct err *e);
#endif
