/*
 * records_pages.h - the pages of the records of a case (issue: records):
 * audio-visual records (records_media.c) and the 出示证件 screen
 * (credentials_show.c).  Internal to src/pages/.
 *
 * Every permission and validation decision is the domain's
 * (records/media.h, cases/cases.h): a case outside the reader's view is
 * the domain's 404 whatever the links show.
 */
#ifndef ZHIFA_RECORDS_PAGES_H
#define ZHIFA_RECORDS_PAGES_H
#include "http/http.h"
#include "http/html.h"
#include <jansson.h>

/* The section 音像记录 of the case page (case_json: the case as case_get
 * gives it): the recordings with their times, recorder, officers,
 * statement moment, summary and 迟延导出 flag, the link to 出示证件 for an
 * officer of the case, and - for those who may attach - the form to
 * attach a vault file of the case's unit and the upload from the phone's
 * camera (the resumable tus upload with its progress bar). */
void records_media_section(struct req *r, struct html *h, json_t *case_json);

/* The late uploads (二.(二).4) for the dashboard: the model (NULL when the
 * actor has no such list) and its section (nothing for NULL). */
json_t *records_media_late_model(struct req *r);
void records_media_late_section(struct req *r, struct html *h, const json_t *late);

/* GET /cases/{id}/media: the section alone; POST: attach (a failed form is
 * shown again here with every problem beside its field). */
int page_case_media(struct req *r);
/* GET /api/v1/cases/{id}/media: media_list; POST: attach (JSON body as
 * struct media_input: file_sha256, document_id, recorder_serial,
 * officer_ids [], started_at, ended_at, place, statement_offset_s,
 * summary | no_recording_reason) -> 201 {id, items...}. */
int page_api_case_media(struct req *r);
/* GET /cases/{id}/credentials: 出示证件 - every current officer's
 * certificate, large, with photo and the QR code of the public check, for
 * a phone held out to the party (credentials_show.c). */
int page_case_credentials(struct req *r);
#endif
