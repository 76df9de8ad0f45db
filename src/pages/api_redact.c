/*
 * api_redact.c - POST /api/v1/redact: the redaction engine
 * (publicity/redact.h) for the publication preview.  Writes nothing.
 *
 *   in:  {"text": "...", "party_kind": "person|org|individual_business",
 *         "party": "...", "officers": ["..."], "persons": [{"name","role"}],
 *         "add": [{"start","end","reason"}], "remove": [{"start","end"}]}
 *   out: {"redacted": "...", "original_length": N,
 *         "marks": [{"start","end","kind","kind_label","reason"}]}
 * Offsets are bytes of the UTF-8 text (as the engine's), each on a
 * character boundary.
 *
 * The text may be up to REDACT_MAX_TEXT (1 MiB): more than the server's
 * ordinary body limit once written as JSON, so the body is taken by this
 * route's own stream function, up to REDACT_BODY_MAX, instead of the
 * shared buffer.  Errors: 400 naming the member ("text", "add[2].end" …),
 * 413 for a text or body too large.
 */
#include "core/core.h"
#include "http/http.h"
#include "pages/pages.h"
#include "publicity/redact.h"

/* A 1 MiB text as JSON: CJK as \uXXXX escapes doubles it; room for the rest. */
#define REDACT_BODY_MAX (REDACT_MAX_TEXT * 2u + 256u * 1024u)
#define REDACT_MAX_SPANS 10000
#define REDACT_MAX_PERSONS 200

int stream_api_redact(struct req *r, const char *data, size_t n)
{
	struct buf *b = r->stream_ctx;
	if (n == (size_t)-1) {
		if (b)
			buf_release(b);
		free(b);
		r->stream_ctx = NULL;
		return 0;
	}
	if (!data) {
		/* a declared length past the limit: refused before any byte (and
		 * before any state, which nobody would free after a -1) */
		const char *cl = req_header(r, "Content-Length");
		long long len;
		if (cl && str_to_ll(cl, 0, INT64_MAX, &len) == 0 && len > (long long)REDACT_BODY_MAX) {
			resp_error(r, 413, "text", "提交的内容过大：文本至多 1 MiB");
			return -1;
		}
		b = xmalloc(sizeof *b);
		buf_init(b, REDACT_BODY_MAX);
		r->stream_ctx = b;
		return 0;
	}
	if (!b || b->overflow)
		return STREAM_DISCARD;
	if (buf_add(b, data, n) < 0)
		return STREAM_DISCARD;
	return 0;
}

/* The spans of member name (an array of {start, end[, reason]}); -1 with
 * the error answered. */
static int spans_of(struct req *r, const json_t *in, const char *name, bool with_reason, struct redact_span **out,
		    size_t *nout)
{
	const json_t *a = json_object_get(in, name);
	*out = NULL;
	*nout = 0;
	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a) || json_array_size(a) > REDACT_MAX_SPANS) {
		char m[160];
		snprintf(m, sizeof m, "%s 应为数组（至多 %d 项），每项为 {start, end%s}", name, REDACT_MAX_SPANS,
			 with_reason ? ", reason" : "");
		resp_error(r, 400, name, m);
		return -1;
	}
	struct redact_span *v = xcalloc(json_array_size(a) + 1, sizeof *v);
	size_t i;
	const json_t *it;
	json_array_foreach(a, i, it) {
		char field[64], m[200];
		const json_t *s = json_object_get(it, "start"), *e = json_object_get(it, "end");
		const json_t *why = with_reason ? json_object_get(it, "reason") : NULL;
		const char *bad = NULL;
		if (!json_is_object(it))
			bad = "";
		else if (!json_is_integer(s) || json_integer_value(s) < 0)
			bad = ".start";
		else if (!json_is_integer(e) || json_integer_value(e) < 0)
			bad = ".end";
		else if (why && !json_is_null(why) &&
			 (!json_is_string(why) || json_string_length(why) > 200 || json_string_length(why) == 0))
			bad = ".reason";
		if (bad) {
			snprintf(field, sizeof field, "%s[%zu]%s", name, i, bad);
			snprintf(m, sizeof m, "%s 第 %zu 项%s：start、end 应为非负整数（UTF-8 字节位置）%s", name, i + 1,
				 *bad ? "有误" : "应为对象", with_reason ? "，reason 为 1–200 字节的文本" : "");
			resp_error(r, 400, field, m);
			free(v);
			return -1;
		}
		v[i].start = (size_t)json_integer_value(s);
		v[i].end = (size_t)json_integer_value(e);
		v[i].reason = json_string_value(why);
	}
	*out = v;
	*nout = json_array_size(a);
	return 0;
}

static const char *str_member(struct req *r, const json_t *in, const char *name, size_t max, bool *bad)
{
	const json_t *v = json_object_get(in, name);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v) || json_string_length(v) > max) {
		char m[128];
		snprintf(m, sizeof m, "%s 应为文本，至多 %zu 字节", name, max);
		resp_error(r, 400, name, m);
		*bad = true;
		return NULL;
	}
	return json_string_value(v);
}

/* officers (strings) and persons ({name, role}) into ps; -1 answered. */
static int persons_of(struct req *r, const json_t *in, struct redact_person *ps, size_t *np)
{
	*np = 0;
	const char *names[] = { "officers", "persons" };
	for (int w = 0; w < 2; w++) {
		const json_t *a = json_object_get(in, names[w]);
		if (!a || json_is_null(a))
			continue;
		if (!json_is_array(a) || *np + json_array_size(a) > REDACT_MAX_PERSONS) {
			char m[160];
			snprintf(m, sizeof m, "%s 应为数组（两者合计至多 %d 项）", names[w], REDACT_MAX_PERSONS);
			resp_error(r, 400, names[w], m);
			return -1;
		}
		size_t i;
		const json_t *it;
		json_array_foreach(a, i, it) {
			const json_t *nm = w == 0 ? it : json_object_get(it, "name");
			const json_t *role = w == 0 ? NULL : json_object_get(it, "role");
			if (!json_is_string(nm) || json_string_length(nm) == 0 || json_string_length(nm) > 64 ||
			    (role && !json_is_null(role) && (!json_is_string(role) || json_string_length(role) > 64))) {
				char field[64], m[160];
				snprintf(field, sizeof field, "%s[%zu]", names[w], i);
				snprintf(m, sizeof m, "%s 第 %zu 项有误：姓名应为 1–64 字节的文本%s", names[w], i + 1,
					 w == 0 ? "" : "，role 至多 64 字节");
				resp_error(r, 400, field, m);
				return -1;
			}
			ps[*np] = (struct redact_person){ json_string_value(nm), w == 0,
							  w == 0 ? "执法人员" : json_string_value(role) };
			(*np)++;
		}
	}
	return 0;
}

int page_api_redact(struct req *r)
{
	struct buf *b = r->stream_ctx;
	r->stream_ctx = NULL;
	if (!b) {
		resp_error(r, 400, "", "请求体应为 JSON 对象（Content-Type: application/json）");
		return 0;
	}
	if (b->overflow) {
		resp_error(r, 413, "text", "提交的内容过大：文本至多 1 MiB");
		buf_release(b);
		free(b);
		return 0;
	}
	json_error_t je;
	json_t *in = b->len ? json_loadb(b->data, b->len, JSON_REJECT_DUPLICATES, &je) : NULL;
	buf_release(b);
	free(b);
	if (!json_is_object(in)) {
		json_decref(in);
		resp_error(r, 400, "", "请求体应为 JSON 对象（Content-Type: application/json）");
		return 0;
	}
	struct redact_span *add = NULL, *rem = NULL;
	struct redact_person *ps = xcalloc(REDACT_MAX_PERSONS, sizeof *ps);
	struct redact_opts o = { 0 };
	const json_t *text = json_object_get(in, "text");
	bool bad = false;
	const char *kind = NULL;
	if (!json_is_string(text)) {
		resp_error(r, 400, "text", "缺少 text（要处理的文本，字符串）");
		goto out;
	}
	if (json_string_length(text) > REDACT_MAX_TEXT) {
		resp_error(r, 413, "text", "文本过长：至多 1 MiB（1048576 字节）");
		goto out;
	}
	kind = str_member(r, in, "party_kind", 32, &bad);
	if (bad)
		goto out;
	if (redact_party_parse(kind, &o.party_kind) < 0) {
		resp_error(r, 400, "party_kind", "party_kind 应为 person（公民）、org（法人或其他组织）或 individual_business（个体工商户）");
		goto out;
	}
	o.party = str_member(r, in, "party", 300, &bad);
	if (bad || spans_of(r, in, "add", true, &add, &o.nadd) < 0 || spans_of(r, in, "remove", false, &rem, &o.nremove) < 0 ||
	    persons_of(r, in, ps, &o.npersons) < 0)
		goto out;
	o.add = add;
	o.remove = rem;
	o.persons = ps;
	struct redact_marks m = REDACT_MARKS_INIT;
	struct err e = ERR_INIT;
	const char *t = json_string_value(text);
	size_t tl = json_string_length(text);
	if (redact_detect(t, tl, &o, &m, &e) < 0) {
		resp_err(r, &e);
		goto out;
	}
	struct buf red;
	buf_init(&red, 0);
	redact_apply(t, tl, &m, &red);
	json_t *marks = json_array();
	for (size_t k = 0; k < m.n; k++)
		json_array_append_new(marks, json_pack("{s:I,s:I,s:s,s:s,s:s}", "start", (json_int_t)m.v[k].start, "end",
						       (json_int_t)m.v[k].end, "kind", redact_kind_code(m.v[k].kind),
						       "kind_label", redact_kind_label(m.v[k].kind), "reason", m.v[k].reason));
	resp_json(r, 200, json_pack("{s:s%,s:o,s:I}", "redacted", buf_str(&red), red.len, "marks", marks,
				    "original_length", (json_int_t)tl));
	buf_release(&red);
	redact_marks_release(&m);
out:
	free(add);
	free(rem);
	free(ps);
	json_decref(in);
	return 0;
}
