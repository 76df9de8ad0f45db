/*
 * records_media.c - audio-visual records (音像记录) of a case on the case
 * page and over JSON: the list, the attach form, the upload from the
 * phone's camera, and the late uploads on the dashboard.
 *
 * Routes: GET/POST /cases/{id}/media (the section alone; the attach form
 * posts here and a failed form is shown again here with every problem
 * beside its field and what was typed kept), GET/POST
 * /api/v1/cases/{id}/media.  The section is also placed on the case page
 * (records_media_section).
 *
 * The camera upload is the vault's resumable tus upload (static/upload.js,
 * vendor/tus.min.js) with its progress bar: an <input type=file
 * accept="video/..., image/..." capture="environment"> opens the phone's
 * camera; when the file is stored the browser comes back to the case with
 * the file chosen in the attach form.  Without JavaScript the same form is
 * the vault's plain upload.
 *
 * Invariants: the domain (records/media.h) checks view, roles and every
 * field; nothing is written on a refusal; every value reaches HTML through
 * h_printf's escaping.
 */
#include "core/core.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/form.h"
#include "pages/pages.h"
#include "pages/cases_pages.h"
#include "pages/records_pages.h"
#include "records/media.h"
#include "records/records.h"
#include "cases/cases.h"
#include "app/app.h"
#include <limits.h>

static const char *txt(const json_t *o, const char *key, const char *none)
{
	const json_t *v = json_object_get(o, key);
	return json_is_string(v) && *json_string_value(v) ? json_string_value(v) : none;
}

/* "hh:mm:ss", "mm:ss" or seconds; -1 when malformed. */
static long long parse_offset(const char *s)
{
	if (str_empty(s))
		return -1;
	long long parts[3] = { 0, 0, 0 }, v = 0;
	int n = 0;
	bool digit = false;
	for (const char *p = s;; p++) {
		if (*p >= '0' && *p <= '9') {
			if (v > 100000000)
				return -1;
			v = v * 10 + (*p - '0');
			digit = true;
		} else if (*p == ':' || *p == '\0') {
			if (!digit || n == 3)
				return -1;
			parts[n++] = v;
			v = 0;
			digit = false;
			if (!*p)
				break;
		} else {
			return -1;
		}
	}
	if (n == 1)
		return parts[0];
	if (n == 2)
		return parts[1] < 60 ? parts[0] * 60 + parts[1] : -1;
	return parts[1] < 60 && parts[2] < 60 ? parts[0] * 3600 + parts[1] * 60 + parts[2] : -1;
}

/* The case's officers (current first, then former) as [{user_id, name}]. */
static json_t *case_officers(const json_t *c)
{
	json_t *out = json_array();
	static const char *const keys[] = { "officers", "former_officers" };
	for (size_t g = 0; g < ARRAY_SIZE(keys); g++) {
		size_t i;
		json_t *o;
		json_array_foreach(json_object_get(c, keys[g]), i, o) {
			bool dup = false;
			size_t k;
			json_t *x;
			json_array_foreach(out, k, x)
				dup |= ji(x, "user_id") == ji(o, "user_id");
			if (!dup)
				json_array_append_new(out, json_pack("{sI ss sb}", "user_id", (json_int_t)ji(o, "user_id"),
								     "name", js(o, "name"), "current", g == 0));
		}
	}
	return out;
}

static bool is_officer_of(const struct req *r, const json_t *c)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(c, "officers"), i, o)
		if (ji(o, "user_id") == r->actor.user_id)
			return true;
	return false;
}

/* ---- the list ---- */
static void list_items(struct html *h, const json_t *list)
{
	const json_t *items = json_object_get(list, "items");
	if (!json_array_size(items)) {
		h_raw(h, "<p class=\"muted\" id=\"media-none\">本案尚无音像记录。</p>");
		return;
	}
	h_raw(h, "<ol class=\"media-list\" id=\"media-list\">");
	size_t i;
	json_t *m;
	json_array_foreach(items, i, m) {
		bool file = json_is_string(json_object_get(m, "file_sha256"));
		bool late = json_is_true(json_object_get(m, "late"));
		h_printf(h, "<li class=\"media-item%s\" data-media=\"%lld\"><p class=\"media-head\"><span class=\"badge\">%s</span> ",
			 late ? " late" : "", ji(m, "id"), js(m, "kind_label"));
		if (!file) {
			h_printf(h, "<strong>未进行音像记录</strong>%s</p>", json_is_integer(json_object_get(m, "document_id")) ? "（针对本案一份执法文书）" : "");
			h_printf(h, "<dl class=\"props\"><dt>理由</dt><dd>%s</dd><dt>登记</dt><dd>%s %s</dd></dl></li>",
				 js(m, "no_recording_reason"), js(m, "attached_by_name"), js(m, "attached_at_local"));
			continue;
		}
		const char *st = js(m, "started_local"), *en = js(m, "ended_local");
		bool same_day = strlen(st) >= 16 && strlen(en) >= 16 && strncmp(st, en, 10) == 0;
		h_printf(h, "<strong><time>%s</time> 至 <time>%s</time></strong> <span class=\"muted\">时长 %s</span>", st,
			 same_day ? en + 11 : en, js(m, "duration_text"));
		if (late)
			h_printf(h, " <span class=\"badge overdue\" title=\"记录结束后超过 %lld 小时才存入证据库\">迟延导出</span>",
				 ji(m, "export_hours"));
		h_raw(h, "</p><dl class=\"props\">");
		h_printf(h, "<dt>记录设备</dt><dd>%s</dd><dt>记录人员</dt><dd>", js(m, "recorder_serial"));
		size_t k;
		json_t *o;
		json_array_foreach(json_object_get(m, "officers"), k, o)
			h_printf(h, "%s%s", k ? "、" : "", js(o, "name"));
		h_printf(h, "</dd><dt>语音说明</dt><dd>自开始起第 %s</dd><dt>地点</dt><dd>%s</dd><dt>文字说明</dt><dd>%s</dd>",
			 js(m, "statement_text"), js(m, "place"), js(m, "summary"));
		h_printf(h, "<dt>存入证据库</dt><dd>%s（记录结束后约 %lld 小时", js(m, "stored_local"), ji(m, "late_hours"));
		if (late)
			h_printf(h, "，超过 %lld 小时的及时导出要求", ji(m, "export_hours"));
		h_printf(h, "）</dd><dt>原始文件</dt><dd><a href=\"/admin/vault/%s\">%s %s</a>（存证序号 %lld）</dd></dl></li>",
			 js(m, "file_sha256"), js(m, "kind_label"), js(m, "size_text"), ji(m, "leaf_index"));
	}
	h_raw(h, "</ol>");
}

/* ---- the form ---- */
struct form_ctx {
	long long case_id;
	const json_t *officers;   /* [{user_id, name, current}] */
	const json_t *candidates; /* media_candidates items */
	const json_t *documents;  /* [{id, name, number}] or NULL */
	const json_t *input;      /* what was typed (a failed POST) or NULL */
	const struct errs *errs;
	const char *chosen;       /* the file to preselect */
};

static const char *val(const struct form_ctx *f, const char *name, const char *dflt)
{
	if (f->input) {
		const char *v = json_string_value(json_object_get(f->input, name));
		return v ? v : "";
	}
	return dflt;
}

static void attach_form(struct req *r, struct html *h, const struct form_ctx *f)
{
	struct form fm;
	form_init(&fm, r, f->errs, NULL);
	h_raw(h, "<h3 id=\"media-attach-h\">第二步：添加音像记录</h3><p class=\"muted\">已在证据库中的文件可直接选择。</p>");
	h_printf(h, "<form method=\"post\" action=\"/cases/%lld/media\" id=\"media-form\" class=\"media-form\">", f->case_id);
	form_csrf(r);
	form_summary(&fm);
	size_t n = json_array_size(f->candidates), i;
	struct form_opt *opts = n ? calloc(n, sizeof *opts) : NULL;
	const char *sel = val(f, "file_sha256", f->chosen ? f->chosen : "");
	json_t *c;
	json_array_foreach(f->candidates, i, c) {
		opts[i].value = js(c, "sha256");
		opts[i].label = req_printf(r, "%s · %s · %s 存入 · %s%s", js(c, "kind_label"),
					   txt(c, "filename", txt(c, "description", "（未命名）")), js(c, "stored_local"),
					   js(c, "size_text"), json_is_true(json_object_get(c, "attached")) ? " · 已添加过" : "");
	}
	form_select(&fm, "file_sha256", "音像文件", opts, n, sel, n ? "请选择" : "（证据库中尚无本承办机构的照片、录音或录像）",
		    FORM_REQUIRED, "本案承办机构存入证据库的照片、录音或录像；原始文件不会被剪辑或改动");
	free(opts);
	if (json_array_size(f->documents)) {
		size_t nd = json_array_size(f->documents);
		struct form_opt *dopts = calloc(nd, sizeof *dopts);
		json_t *d;
		json_array_foreach(f->documents, i, d) {
			dopts[i].value = req_printf(r, "%lld", ji(d, "id"));
			dopts[i].label = req_printf(r, "%s%s%s", js(d, "name"), str_empty(js(d, "number")) ? "" : " ",
						    js(d, "number"));
		}
		form_select(&fm, "document_id", "所记录的执法文书", dopts, nd, val(f, "document_id", ""),
			    "本案（不针对某一文书）", 0, "该录像记录的是哪一份文书载明的执法行为");
		free(dopts);
	}
	form_input(&fm, "text", "recorder_serial", "记录设备编号", val(f, "recorder_serial", ""), FORM_REQUIRED,
		   "maxlength=\"64\" autocomplete=\"off\"", "执法记录仪或拍摄设备上的编号");
	h_printf(h, "<fieldset class=\"checks\" id=\"%s\"", form_id(&fm, "officer_ids"));
	form_err_attrs(&fm, "officer_ids");
	h_raw(h, "><legend>进行记录的执法人员<span class=\"req\">（必填）</span></legend>");
	form_err_note(&fm, "officer_ids");
	const char *ticked = f->input ? val(f, "officer_ids", "") : NULL;
	json_t *o;
	json_array_foreach(f->officers, i, o) {
		const char *idtxt = req_printf(r, "%lld", ji(o, "user_id"));
		bool on = ticked ? cp_csv_has(ticked, idtxt) : json_is_true(json_object_get(o, "current"));
		h_printf(h, "<label class=\"check-row\"><input type=\"checkbox\" name=\"officer_ids\" value=\"%s\"%s><span>%s%s</span></label>",
			 idtxt, on ? " checked" : "", js(o, "name"),
			 json_is_true(json_object_get(o, "current")) ? "" : "（原承办人员）");
	}
	h_raw(h, "</fieldset>");
	form_input(&fm, "datetime-local", "started_at", "开始时间", val(f, "started_at", ""), FORM_REQUIRED,
		   "step=\"1\"", "北京时间");
	form_input(&fm, "datetime-local", "ended_at", "结束时间", val(f, "ended_at", ""), FORM_REQUIRED, "step=\"1\"",
		   "北京时间；照片填拍摄时间（与开始时间相同）");
	form_input(&fm, "text", "place", "记录地点", val(f, "place", ""), FORM_REQUIRED, "maxlength=\"200\"", NULL);
	form_input(&fm, "text", "statement_offset_s", "语音说明时刻", val(f, "statement_offset_s", ""), FORM_REQUIRED,
		   "inputmode=\"numeric\" maxlength=\"12\" placeholder=\"00:00:15\"",
		   "启动记录后对执法部门、人员、事由、时间、地点进行语音说明的时刻，自记录开始起计，如 00:00:15；照片填 0");
	form_textarea(&fm, "summary", "文字说明", val(f, "summary", ""), 4, FORM_REQUIRED, "maxlength=\"2000\"",
		      "音像记录形成后对其内容所作的简要说明");
	h_raw(h, "<button type=\"submit\">添加音像记录</button></form>");
	if (json_array_size(f->documents)) {
		h_printf(h, "<details class=\"media-reason\"><summary>未进行音像记录的，说明理由</summary>"
			    "<form method=\"post\" action=\"/cases/%lld/media\" id=\"media-reason-form\">", f->case_id);
		form_csrf(r);
		struct form fr;
		form_init(&fr, r, f->errs, NULL);
		form_suffix(&fr, "-r");
		size_t nd = json_array_size(f->documents);
		struct form_opt *dopts = calloc(nd, sizeof *dopts);
		json_t *d;
		json_array_foreach(f->documents, i, d) {
			dopts[i].value = req_printf(r, "%lld", ji(d, "id"));
			dopts[i].label = req_printf(r, "%s%s%s", js(d, "name"), str_empty(js(d, "number")) ? "" : " ",
						    js(d, "number"));
		}
		form_select(&fr, "document_id", "执法文书", dopts, nd, val(f, "document_id", ""), "请选择", FORM_REQUIRED, NULL);
		free(dopts);
		form_textarea(&fr, "no_recording_reason", "理由", val(f, "no_recording_reason", ""), 3, FORM_REQUIRED,
			      "maxlength=\"1000\"", "根据实际情况可不进行音像记录的（文字记录能够全面有效记录执法行为的）");
		h_raw(h, "<button type=\"submit\">登记理由</button></form></details>");
	}
}

static void camera_upload(struct req *r, struct html *h, long long case_id, const char *case_no)
{
	h_raw(h, "<h3 id=\"media-camera-h\">第一步：现场拍摄并上传</h3>"
		 "<form method=\"post\" action=\"/admin/vault/upload\" enctype=\"multipart/form-data\" id=\"vault-form\" class=\"media-camera\">");
	form_csrf(r);
	h_printf(h, "<input type=\"hidden\" id=\"description\" name=\"description\" value=\"%s音像记录\">",
		 str_empty(case_no) ? "" : req_printf(r, "%s ", case_no));
	h_raw(h, "<div class=\"field\"><label for=\"file\">拍摄或选择录像、照片</label>"
		 "<input type=\"file\" id=\"file\" name=\"file\" accept=\"video/*,image/*\" capture=\"environment\" required"
		 " aria-describedby=\"file-hint\">"
		 "<p class=\"hint\" id=\"file-hint\">在手机上会打开相机。文件分段上传，网络中断后可从中断处续传；"
		 "上传完成后回到本页，下面的表单中已选好该文件，填写其余各项后添加。</p></div>"
		 "<button type=\"submit\">上传到证据库</button></form>");
	h_printf(h, "<div id=\"tus-upload\" hidden data-csrf=\"%s\" data-endpoint=\"/api/v1/uploads\""
		    " data-done=\"/cases/%lld#media\" data-done-param=\"media_file\">"
		    "<label for=\"tus-progress\">上传进度</label>"
		    "<progress id=\"tus-progress\" max=\"100\" value=\"0\">0%%</progress>"
		    "<p id=\"tus-status\" role=\"status\" aria-live=\"polite\" class=\"muted\"></p></div>",
		 r->csrf, case_id);
	h_raw(h, "<script src=\"/static/vendor/tus.min.js\" defer></script><script src=\"/static/upload.js\" defer></script>");
}

/* The section; errs/input: a failed POST shown again. */
static void section(struct req *r, struct html *h, const json_t *c, const struct errs *errs, const json_t *input)
{
	long long id = ji(c, "id");
	json_t *list = NULL, *cand = NULL;
	struct err e = ERR_INIT;
	h_raw(h, "<section class=\"card media-section\" id=\"media\" aria-labelledby=\"h-media\"><h2 id=\"h-media\">音像记录</h2>");
	if (is_officer_of(r, c))
		h_printf(h, "<p><a class=\"button\" id=\"show-creds\" href=\"/cases/%lld/credentials\">出示证件</a> "
			    "<span class=\"muted\">向当事人出示本案执法人员的执法证件和核验二维码</span></p>", id);
	if (media_list(r->db, &r->actor, id, &list, &e) < 0) {
		h_printf(h, "<p class=\"alert error\" role=\"alert\">%s</p></section>", e.kind >= 500 ? "音像记录暂时无法读取，请稍后重试。" : e.msg);
		return;
	}
	if (ji(list, "late_count") > 0)
		h_printf(h, "<p class=\"alert warn\" role=\"alert\" id=\"media-late\">有 %lld 条音像记录迟延导出：记录结束后超过规定时间才存入证据库"
			    "（执法人员应及时导出音像记录，避免覆盖、毁损）。</p>", ji(list, "late_count"));
	h_raw(h, "<p class=\"muted\">查封扣押、强制拆除等直接涉及人身自由、生命健康、重大财产权益的现场执法活动须全程音像记录；"
		 "现场执法、调查取证、举行听证、留置送达和公告送达等根据实际情况进行音像记录。</p>");
	list_items(h, list);
	if (media_may_attach(r->db, &r->actor, id) &&
	    media_candidates(r->db, &r->actor, id, 100, &cand, &e) == 0) {
		json_t *officers = case_officers(c);
		/* the case's documents: what a recording records, and what a
		 * reason for having none is stated for */
		json_t *docs = NULL;
		struct err de = ERR_INIT;
		if (records_list(r->db, &r->actor, id, &docs, &de) < 0)
			docs = NULL;
		struct form_ctx f = { .case_id = id, .officers = officers, .candidates = json_object_get(cand, "items"),
				      .documents = docs ? json_object_get(docs, "items") : NULL,
				      .input = input, .errs = errs, .chosen = req_param(r, "media_file") };
		camera_upload(r, h, id, txt(c, "case_no", ""));
		attach_form(r, h, &f);
		json_decref(docs);
		json_decref(officers);
	}
	json_decref(cand);
	json_decref(list);
	h_raw(h, "</section>");
}

void records_media_section(struct req *r, struct html *h, json_t *case_json)
{
	section(r, h, case_json, NULL, NULL);
}

/* ---- GET/POST /cases/{id}/media ---- */
static json_t *load_case(struct req *r, long long id)
{
	json_t *c = NULL;
	struct err e = ERR_INIT;
	if (id <= 0) {
		resp_error(r, 404, "id", "案件不存在或无权查看");
		return NULL;
	}
	if (case_get(r->db, &r->actor, id, &c, &e) < 0) {
		resp_err(r, &e);
		return NULL;
	}
	return c;
}

static void render_page(struct req *r, const json_t *c, const struct errs *errs, const json_t *input)
{
	const char *no = txt(c, "case_no", "");
	page_begin(r, req_printf(r, "音像记录 %s%s%s", no, *no ? " " : "", js(c, "title")));
	h_printf(r->out, "<p><a href=\"/cases/%lld\">← 返回案件</a></p><h1>%s</h1>", ji(c, "id"), js(c, "title"));
	section(r, r->out, c, errs, input);
	page_end(r);
}

static int attach_input(struct req *r, struct media_input *in, long long **ids, struct errs *all)
{
	memset(in, 0, sizeof *in);
	in->file_sha256 = req_param(r, "file_sha256");
	in->recorder_serial = req_param(r, "recorder_serial");
	in->started_at = req_param(r, "started_at");
	in->ended_at = req_param(r, "ended_at");
	in->place = req_param(r, "place");
	in->summary = req_param(r, "summary");
	in->no_recording_reason = req_param(r, "no_recording_reason");
	in->export_hours = r->app ? r->app->cfg.record_export_hours : 0;
	const char *d = req_param(r, "document_id");
	long long v = 0;
	if (!str_empty(d) && str_to_ll(d, 1, LLONG_MAX, &v) < 0)
		errs_add(all, ERR_INVALID, "document_id", "执法文书无效，请从列表中选择");
	in->document_id = v;
	const char *s = req_param(r, "statement_offset_s");
	if (!str_empty(s)) {
		in->statement_offset_s = parse_offset(s);
		in->statement_offset_given = true;
		if (in->statement_offset_s < 0)
			errs_add(all, ERR_INVALID, "statement_offset_s", "语音说明时刻应写作 时:分:秒（如 00:00:15）或秒数");
	}
	bool bad = false;
	*ids = cp_form_ids(r, "officer_ids", &in->n_officers, &bad);
	in->officer_ids = *ids;
	if (bad)
		errs_add(all, ERR_INVALID, "officer_ids", "记录人员无效，请从列表中选择");
	return 0;
}

int page_case_media(struct req *r)
{
	long long id = req_param_id(r, 0);
	json_t *c = load_case(r, id);
	if (!c)
		return 0;
	if (r->method != M_POST) {
		if (r->want_json) {
			json_decref(c);
			json_t *l = NULL;
			struct err e = ERR_INIT;
			if (media_list(r->db, &r->actor, id, &l, &e) < 0)
				resp_err(r, &e);
			else
				resp_json(r, 200, l);
			return 0;
		}
		render_page(r, c, NULL, NULL);
		json_decref(c);
		return 0;
	}
	struct media_input in;
	long long *ids = NULL;
	struct errs all = ERRS_INIT;
	attach_input(r, &in, &ids, &all);
	struct err e = ERR_INIT;
	long long mid = 0;
	if (!all.n && media_attach(r->db, &r->actor, id, &in, &mid, &all, &e) == 0) {
		errs_release(&all);
		json_decref(c);
		return af_done(r, req_printf(r, "/cases/%lld?ok=media#media", id), json_pack("{s:I}", "id", (json_int_t)mid));
	}
	if (!all.n)
		errs_push(&all, &e);
	struct err first;
	errs_first(&all, &first);
	if (r->want_json || first.kind == ERR_NOTFOUND || first.kind == ERR_FORBIDDEN) {
		errs_release(&all);
		json_decref(c);
		resp_err(r, &first);
		return 0;
	}
	json_t *input = json_object();
	static const char *const keys[] = { "file_sha256", "document_id", "recorder_serial", "started_at", "ended_at",
					    "place", "statement_offset_s", "summary", "no_recording_reason" };
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
		json_object_set_new(input, keys[k], json_string(req_param(r, keys[k]) ? req_param(r, keys[k]) : ""));
	struct buf b;
	buf_init(&b, 0);
	for (size_t k = 0; k < in.n_officers; k++)
		buf_printf(&b, "%s%lld", k ? "," : "", in.officer_ids[k]);
	json_object_set_new(input, "officer_ids", json_string(buf_str(&b)));
	buf_release(&b);
	render_page(r, c, &all, input);
	r->status = first.kind >= 400 && first.kind < 600 ? first.kind : 500;
	json_decref(input);
	errs_release(&all);
	json_decref(c);
	return 0;
}

/* ---- the API ---- */
int page_api_case_media(struct req *r)
{
	long long id = req_param_id(r, 0);
	struct err e = ERR_INIT;
	if (id <= 0) {
		resp_error(r, 404, "id", "案件不存在或无权查看");
		return 0;
	}
	if (r->method != M_POST) {
		json_t *l = NULL;
		if (media_list(r->db, &r->actor, id, &l, &e) < 0)
			resp_err(r, &e);
		else
			resp_json(r, 200, l);
		return 0;
	}
	json_error_t je;
	json_t *j = r->body_len ? json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je) : NULL;
	if (!json_is_object(j)) {
		json_decref(j);
		resp_error(r, 400, "", "请求体应为 JSON 对象（Content-Type: application/json）");
		return 0;
	}
	struct media_input in = { 0 };
	long long ids[16];
	const json_t *v = json_object_get(j, "officer_ids");
	if (v && !json_is_null(v)) {
		size_t i;
		json_t *x;
		if (!json_is_array(v) || json_array_size(v) > ARRAY_SIZE(ids)) {
			resp_error(r, 400, "officer_ids", "记录人员应为用户编号的数组（至多 16 个）");
			goto out;
		}
		json_array_foreach(v, i, x) {
			if (!json_is_integer(x) || json_integer_value(x) <= 0) {
				resp_error(r, 400, "officer_ids", "记录人员的编号应为正整数");
				goto out;
			}
			ids[in.n_officers++] = json_integer_value(x);
		}
	}
	in.officer_ids = ids;
	v = json_object_get(j, "document_id");
	if (v && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			resp_error(r, 400, "document_id", "执法文书编号应为正整数");
			goto out;
		}
		in.document_id = json_integer_value(v);
	}
	v = json_object_get(j, "statement_offset_s");
	if (v && !json_is_null(v)) {
		if (json_is_integer(v))
			in.statement_offset_s = json_integer_value(v);
		else if (json_is_string(v) && (in.statement_offset_s = parse_offset(json_string_value(v))) >= 0)
			;
		else {
			resp_error(r, 400, "statement_offset_s", "语音说明时刻应为自记录开始起的秒数");
			goto out;
		}
		in.statement_offset_given = true;
	}
	in.file_sha256 = json_string_value(json_object_get(j, "file_sha256"));
	in.recorder_serial = json_string_value(json_object_get(j, "recorder_serial"));
	in.started_at = json_string_value(json_object_get(j, "started_at"));
	in.ended_at = json_string_value(json_object_get(j, "ended_at"));
	in.place = json_string_value(json_object_get(j, "place"));
	in.summary = json_string_value(json_object_get(j, "summary"));
	in.no_recording_reason = json_string_value(json_object_get(j, "no_recording_reason"));
	in.export_hours = r->app ? r->app->cfg.record_export_hours : 0;
	long long mid = 0;
	struct errs all = ERRS_INIT;
	if (media_attach(r->db, &r->actor, id, &in, &mid, &all, &e) < 0) {
		errs_release(&all);
		resp_err(r, &e);
		goto out;
	}
	errs_release(&all);
	json_t *l = NULL;
	if (media_list(r->db, &r->actor, id, &l, &e) < 0)
		l = json_object();
	json_t *row = NULL;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(l, "items"), i, x)
		if (ji(x, "id") == mid)
			row = json_incref(x);
	json_decref(l);
	resp_header(r, "Location", req_printf(r, "/api/v1/cases/%lld/media", id));
	resp_json(r, 201, row ? row : json_pack("{s:I}", "id", (json_int_t)mid));
out:
	json_decref(j);
	return 0;
}

/* ---- the dashboard ---- */
json_t *records_media_late_model(struct req *r)
{
	if (!actor_has(&r->actor, ROLE_SUPERVISOR | ROLE_LEADER | ROLE_HEAD))
		return NULL;
	json_t *l = NULL;
	struct err e = ERR_INIT;
	if (media_late_list(r->db, &r->actor, 20, &l, &e) < 0)
		return NULL;
	return l;
}

void records_media_late_section(struct req *r, struct html *h, const json_t *late)
{
	(void)r;
	if (!json_is_object(late))
		return;
	h_printf(h, "<section aria-labelledby=\"late-media-h\" id=\"late-media\"><h2 id=\"late-media-h\">迟延导出的音像记录（%lld）</h2>"
		    "<p class=\"muted\">形成音像记录后，执法人员要及时导出，避免覆盖、毁损（实施方案 二(二)4）。"
		    "以下音像记录在记录结束后超过规定时间才存入证据库。</p>", ji(late, "total"));
	const json_t *items = json_object_get(late, "items");
	if (!json_array_size(items)) {
		h_raw(h, "<p class=\"muted\">目前没有迟延导出的音像记录。</p></section>");
		return;
	}
	h_raw(h, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">案件</th><th scope=\"col\">承办机构</th>"
		 "<th scope=\"col\">类型</th><th scope=\"col\">记录结束</th><th scope=\"col\">存入证据库</th>"
		 "<th scope=\"col\">间隔</th></tr></thead><tbody>");
	size_t i;
	json_t *m;
	json_array_foreach(items, i, m)
		h_printf(h, "<tr><td><a href=\"/cases/%lld#media\">%s</a> <small class=\"muted\">%s</small></td><td>%s</td><td>%s</td>"
			    "<td>%s</td><td>%s</td><td>约 %lld 小时（规定 %lld 小时内）</td></tr>",
			 ji(m, "case_id"), js(m, "title"), js(m, "case_no"), js(m, "unit_name"), js(m, "kind_label"),
			 js(m, "ended_local"), js(m, "stored_local"), ji(m, "late_hours"), ji(m, "export_hours"));
	h_raw(h, "</tbody></table></div></section>");
}
