/*
 * opendata.c - open data of 事后公开 (portal.h): CSV of the list and of
 * one decision, the Atom feed of new publications, and the 双公示 export.
 *
 * The 双公示 columns are the national sets' (行政处罚: CF_, 行政许可: XK_,
 * as the provincial credit platforms take them, 《行政许可和行政处罚等信用
 * 信息数据标准》 of 全国信用信息共享平台): each cell is the published
 * version's field of that key; where the version has no such field, the
 * publication's own columns give the few the portal always knows (party,
 * number, dates, the body).  Nothing that was not published is exported.
 */
#include "core/core.h"
#include "core/escape.h"
#include "disclosure/portal.h"

static int db_fail(struct db *db, struct err *e)
{
	log_error("公开数据库操作失败: %s", db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "数据库操作失败,请稍后重试");
}

/* ---- CSV ---- */

/* One cell: quoted when needed; a text that a spreadsheet would run as a
 * formula (= + @, a tab or CR, or '-' not starting a number) gets a
 * leading apostrophe. */
static void csv_cell(struct buf *out, const char *s, bool first)
{
	if (!first)
		buf_putc(out, ',');
	s = s ? s : "";
	bool formula = s[0] == '=' || s[0] == '+' || s[0] == '@' || s[0] == '\t' || s[0] == '\r' ||
		       (s[0] == '-' && !(s[1] >= '0' && s[1] <= '9'));
	bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		buf_putc(out, '"');
	if (formula)
		buf_putc(out, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_putc(out, '"');
		buf_putc(out, *p);
	}
	if (quote)
		buf_putc(out, '"');
}

static void csv_int(struct buf *out, long long v, bool first)
{
	char s[24];
	snprintf(s, sizeof s, "%lld", v);
	csv_cell(out, s, first);
}

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

void portal_csv_list(const json_t *model, struct buf *out)
{
	buf_puts(out, "\xEF\xBB\xBF");
	static const char *const head[] = { "编号", "决定类别", "标题", "行政相对人", "类别", "决定书文号",
					    "决定日期", "执法主体", "承办机构", "版本", "公示时间", "网址" };
	for (size_t i = 0; i < ARRAY_SIZE(head); i++)
		csv_cell(out, head[i], i == 0);
	buf_puts(out, "\r\n");
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(model, "items"), i, it) {
		csv_int(out, json_integer_value(json_object_get(it, "id")), true);
		csv_cell(out, jstr(it, "kind_label"), false);
		csv_cell(out, jstr(it, "title"), false);
		csv_cell(out, jstr(it, "party_name"), false);
		csv_cell(out, jstr(it, "category"), false);
		csv_cell(out, jstr(it, "decision_no"), false);
		csv_cell(out, jstr(it, "decision_date"), false);
		csv_cell(out, jstr(it, "body_name"), false);
		csv_cell(out, jstr(it, "unit_name"), false);
		csv_int(out, json_integer_value(json_object_get(it, "version")), false);
		csv_cell(out, jstr(it, "published_at"), false);
		char *u = xasprintf("/portal/decisions/%lld", (long long)json_integer_value(json_object_get(it, "id")));
		csv_cell(out, u, false);
		free(u);
		buf_puts(out, "\r\n");
	}
}

void portal_csv_item(const json_t *item, struct buf *out)
{
	buf_puts(out, "\xEF\xBB\xBF");
	csv_cell(out, "项目", true);
	csv_cell(out, "内容", false);
	buf_puts(out, "\r\n");
	static const struct { const char *key, *label; } top[] = {
		{ "kind_label", "决定类别" }, { "title", "标题" }, { "party_name", "行政相对人" },
		{ "category", "类别" }, { "decision_no", "决定书文号" }, { "decision_date", "决定日期" },
		{ "body_name", "执法主体" }, { "unit_name", "承办机构" }, { "sha256", "公示内容 SHA-256" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(top); i++) {
		csv_cell(out, top[i].label, true);
		csv_cell(out, jstr(item, top[i].key), false);
		buf_puts(out, "\r\n");
	}
	csv_cell(out, "版本", true);
	csv_int(out, json_integer_value(json_object_get(item, "version")), false);
	buf_puts(out, "\r\n");
	json_t *c = json_object_get(item, "content");
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(c, "fields"), k, v) {
		csv_cell(out, k, true);
		if (json_is_string(v)) {
			csv_cell(out, json_string_value(v), false);
		} else {
			char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			csv_cell(out, s, false);
			free(s);
		}
		buf_puts(out, "\r\n");
	}
	if (!str_empty(jstr(c, "text"))) {
		csv_cell(out, "决定书全文", true);
		csv_cell(out, jstr(c, "text"), false);
		buf_puts(out, "\r\n");
	}
}

/* ---- Atom ---- */

static void xml(struct buf *out, const char *s)
{
	esc_markup(out, s ? s : "", strlen(s ? s : ""), ESC_XML);
}

int portal_atom(struct db *db, const char *base, const char *site_name, int limit, const char *today,
		struct buf *out, struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db, &r,
		     "SELECT v.publication_id, v.version, v.published_at, v.note, p.title, p.decision_no, p.decision_date,"
		     " b.name, u.name, p.kind FROM publication_versions v JOIN publications p ON p.id = v.publication_id"
		     " JOIN units b ON b.id = p.body_unit_id JOIN units u ON u.id = p.unit_id"
		     " WHERE p.state = 'published' AND (p.period_ends_on IS NULL OR p.period_ends_on >= ?)"
		     " ORDER BY v.published_at DESC, v.id DESC LIMIT ?",
		     DB_TEXT(today), DB_INT(limit)) < 0)
		return db_fail(db, e);
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
	buf_puts(out, "<title>");
	xml(out, site_name);
	buf_puts(out, " 行政执法决定公示</title>\n<id>");
	xml(out, base);
	buf_puts(out, "/portal/decisions</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	xml(out, base);
	buf_puts(out, "/portal/decisions.atom\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	xml(out, base);
	buf_puts(out, "/portal/decisions\"/>\n<updated>");
	if (r->nrows) {
		xml(out, db_text(r, 0, 2));
	} else {
		char now[21];
		time_now_utc(now);
		xml(out, now);
	}
	buf_puts(out, "</updated>\n<author><name>");
	xml(out, site_name);
	buf_puts(out, "</name></author>\n");
	for (int i = 0; i < r->nrows; i++) {
		long long id = db_int(r, i, 0), ver = db_int(r, i, 1);
		char *href = xasprintf("%s/portal/decisions/%lld", base, id);
		char *eid = xasprintf("%s?version=%lld", href, ver);
		buf_puts(out, "<entry>\n<title>");
		xml(out, db_text(r, i, 4));
		if (ver > 1)
			buf_printf(out, "（第 %lld 版，更正）", ver);
		buf_puts(out, "</title>\n<id>");
		xml(out, eid);
		buf_puts(out, "</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
		xml(out, href);
		buf_puts(out, "\"/>\n<updated>");
		xml(out, db_text(r, i, 2));
		buf_puts(out, "</updated>\n<summary>");
		const char *label = portal_kind_label(db_text(r, i, 9));
		struct buf s;
		buf_init(&s, 0);
		buf_printf(&s, "%s决定 %s，决定日期 %s，执法主体 %s，承办机构 %s。", label ? label : "",
			   db_text(r, i, 5), db_text(r, i, 6), db_text(r, i, 7), db_text(r, i, 8));
		if (!str_empty(db_text(r, i, 3)))
			buf_printf(&s, "更正说明：%s", db_text(r, i, 3));
		xml(out, buf_str(&s));
		buf_release(&s);
		buf_puts(out, "</summary>\n</entry>\n");
		free(href);
		free(eid);
	}
	buf_puts(out, "</feed>\n");
	db_res_free(r);
	return 0;
}

/* ---- 双公示 ---- */

/* Fallbacks: the publication's columns (index into the export query). */
enum fb { FB_NONE = -1, FB_PARTY = 3, FB_NO = 4, FB_DATE = 5, FB_PERIOD = 6, FB_CATEGORY = 7, FB_BODY = 8 };

struct ccol {
	const char *key, *title;
	int fallback;
};

static const struct ccol cf_cols[] = {
	{ "CF_XDR_MC", "行政相对人名称", FB_PARTY },
	{ "CF_XDR_LB", "行政相对人类别", FB_NONE },
	{ "CF_XDR_SHXYM", "统一社会信用代码", FB_NONE },
	{ "CF_FRDB", "法定代表人", FB_NONE },
	{ "CF_WSH", "行政处罚决定书文号", FB_NO },
	{ "CF_WFXW", "违法行为类型", FB_NONE },
	{ "CF_SY", "违法事实", FB_NONE },
	{ "CF_YJ", "处罚依据", FB_NONE },
	{ "CF_CFLB", "处罚类别", FB_CATEGORY },
	{ "CF_NR", "处罚内容", FB_NONE },
	{ "CF_NR_FK", "罚款金额（万元）", FB_NONE },
	{ "CF_NR_WFFF", "没收违法所得、没收非法财物的金额（万元）", FB_NONE },
	{ "CF_NR_ZKDX", "暂扣或吊销证照名称及编号", FB_NONE },
	{ "CF_JDRQ", "处罚决定日期", FB_DATE },
	{ "CF_GSJZQ", "公示截止期", FB_PERIOD },
	{ "CF_CFJG", "处罚机关", FB_BODY },
	{ "CF_CFJGDM", "处罚机关统一社会信用代码", FB_NONE },
	{ "CF_SJLY", "数据来源单位", FB_BODY },
	{ "CF_SJLYDM", "数据来源单位统一社会信用代码", FB_NONE },
};

static const struct ccol xk_cols[] = {
	{ "XK_XDR_MC", "行政相对人名称", FB_PARTY },
	{ "XK_XDR_LB", "行政相对人类别", FB_NONE },
	{ "XK_XDR_SHXYM", "统一社会信用代码", FB_NONE },
	{ "XK_FRDB", "法定代表人", FB_NONE },
	{ "XK_XKWS", "行政许可决定文书名称", FB_NONE },
	{ "XK_WSH", "行政许可决定文书号", FB_NO },
	{ "XK_XKLB", "许可类别", FB_CATEGORY },
	{ "XK_XKZS", "许可证书名称", FB_NONE },
	{ "XK_XKBH", "许可编号", FB_NONE },
	{ "XK_NR", "许可内容", FB_NONE },
	{ "XK_JDRQ", "许可决定日期", FB_DATE },
	{ "XK_YXQZ", "有效期自", FB_NONE },
	{ "XK_YXQZI", "有效期至", FB_NONE },
	{ "XK_XKJG", "许可机关", FB_BODY },
	{ "XK_XKJGDM", "许可机关统一社会信用代码", FB_NONE },
	{ "XK_SJLY", "数据来源单位", FB_BODY },
	{ "XK_SJLYDM", "数据来源单位统一社会信用代码", FB_NONE },
};

const char *portal_field_key(size_t i)
{
	if (i < ARRAY_SIZE(cf_cols))
		return cf_cols[i].key;
	i -= ARRAY_SIZE(cf_cols);
	if (i < ARRAY_SIZE(xk_cols))
		return xk_cols[i].key;
	i -= ARRAY_SIZE(xk_cols);
	static const char *const more[] = { "CF_YXQ", "CF_BZ", "XK_ZT", "XK_BZ", "body", "party", "category", "conclusion", "date" };
	return i < ARRAY_SIZE(more) ? more[i] : NULL;
}

const char *portal_field_label(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(cf_cols); i++)
		if (str_eq(key, cf_cols[i].key))
			return cf_cols[i].title;
	for (size_t i = 0; i < ARRAY_SIZE(xk_cols); i++)
		if (str_eq(key, xk_cols[i].key))
			return xk_cols[i].title;
	/* the seed's five (二.(一).4: 执法主体、对象、类别、结论、日期) */
	static const struct { const char *key, *label; } five[] = {
		{ "body", "执法主体" }, { "party", "执法对象" }, { "category", "执法类别" },
		{ "conclusion", "执法结论" }, { "date", "执法日期" },
		{ "CF_YXQ", "处罚有效期" }, { "XK_ZT", "当前状态" }, { "CF_BZ", "备注" }, { "XK_BZ", "备注" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(five); i++)
		if (str_eq(key, five[i].key))
			return five[i].label;
	return NULL;
}

json_t *portal_credit_export(struct db *db, const char *kind, const char *from, const char *to, const char *today,
			     struct err *e)
{
	const struct ccol *cols;
	size_t ncols;
	if (str_eq(kind, "penalty")) {
		cols = cf_cols;
		ncols = ARRAY_SIZE(cf_cols);
	} else if (str_eq(kind, "licence")) {
		cols = xk_cols;
		ncols = ARRAY_SIZE(xk_cols);
	} else {
		err_set(e, ERR_INVALID, "kind", "参数「类别」不正确：双公示只报送行政处罚（penalty）和行政许可（licence）。");
		return NULL;
	}
	struct portal_query chk = { .from = from, .to = to };
	if (portal_query_check(&chk, e) < 0)
		return NULL;
	struct db_res *r = NULL;
	if (db_query(db, &r,
		     "SELECT p.id, v.content, p.current_version, p.party_name, p.decision_no, p.decision_date,"
		     " p.period_ends_on, p.category, b.name FROM publications p"
		     " JOIN units b ON b.id = p.body_unit_id"
		     " JOIN publication_versions v ON v.publication_id = p.id AND v.version = p.current_version"
		     " WHERE p.state = 'published' AND p.kind = ? AND (p.period_ends_on IS NULL OR p.period_ends_on >= ?)"
		     " AND (? = '' OR p.decision_date >= ?) AND (? = '' OR p.decision_date <= ?)"
		     " ORDER BY p.decision_date, p.id LIMIT ?",
		     DB_TEXT(kind), DB_TEXT(today), DB_TEXT(from ? from : ""), DB_TEXT(from ? from : ""),
		     DB_TEXT(to ? to : ""), DB_TEXT(to ? to : ""), DB_INT(PORTAL_EXPORT_MAX)) < 0) {
		db_fail(db, e);
		return NULL;
	}
	json_t *jcols = json_array(), *rows = json_array();
	for (size_t c = 0; c < ncols; c++)
		json_array_append_new(jcols, json_pack("{s:s,s:s}", "key", cols[c].key, "title", cols[c].title));
	for (int i = 0; i < r->nrows; i++) {
		json_t *content = json_loads(db_text(r, i, 1), 0, NULL);
		json_t *fields = json_object_get(content, "fields");
		json_t *row = json_array();
		for (size_t c = 0; c < ncols; c++) {
			json_t *v = json_object_get(fields, cols[c].key);
			if (json_is_string(v) && *json_string_value(v))
				json_array_append(row, v);
			else if (json_is_number(v))
				json_array_append(row, v);
			else if (cols[c].fallback != FB_NONE)
				json_array_append_new(row, json_string(db_text(r, i, cols[c].fallback)));
			else
				json_array_append_new(row, json_string(""));
		}
		json_array_append_new(rows, row);
		json_decref(content);
	}
	db_res_free(r);
	return json_pack("{s:s,s:o,s:o}", "kind", kind, "columns", jcols, "rows", rows);
}

void portal_credit_csv(const json_t *model, struct buf *out)
{
	buf_puts(out, "\xEF\xBB\xBF");
	size_t i, j;
	json_t *c, *row, *v;
	json_array_foreach(json_object_get(model, "columns"), i, c)
		csv_cell(out, jstr(c, "key"), i == 0);
	buf_puts(out, "\r\n");
	json_array_foreach(json_object_get(model, "rows"), i, row) {
		json_array_foreach(row, j, v) {
			if (json_is_string(v)) {
				csv_cell(out, json_string_value(v), j == 0);
			} else {
				char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
				csv_cell(out, s, j == 0);
				free(s);
			}
		}
		buf_puts(out, "\r\n");
	}
}
