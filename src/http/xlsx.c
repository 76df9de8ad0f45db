/*
 * xlsx.c - Excel workbooks as responses (see xlsx.h).
 */
#include "core/core.h"
#include "http/xlsx.h"
#include "http/html.h"
#include <xlsxwriter.h>
#include <unistd.h>
#include <errno.h>

static int write_workbook(const char *path, const char *sheet, const char *heading, const struct xlsx_col *cols,
			  size_t ncols, const json_t *rows)
{
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		return -1;
	lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	format_set_bg_color(bold, 0xEEF1F4);
	format_set_border(bold, LXW_BORDER_THIN);
	lxw_format *title = workbook_add_format(wb);
	format_set_bold(title);
	format_set_font_size(title, 14);
	lxw_format *pct = workbook_add_format(wb);
	format_set_num_format(pct, "0.0%");
	worksheet_write_string(ws, 0, 0, heading, title);
	for (size_t c = 0; c < ncols; c++) {
		worksheet_write_string(ws, 2, (lxw_col_t)c, cols[c].title, bold);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, cols[c].width > 0 ? cols[c].width : 14, NULL);
	}
	size_t i;
	const json_t *row;
	json_array_foreach(rows, i, row) {
		lxw_row_t y = (lxw_row_t)(3 + i);
		for (size_t c = 0; c < ncols; c++) {
			const json_t *v = json_array_get(row, c);
			if (json_is_string(v))
				worksheet_write_string(ws, y, (lxw_col_t)c, json_string_value(v), NULL);
			else if (json_is_number(v))
				worksheet_write_number(ws, y, (lxw_col_t)c, json_number_value(v),
						       cols[c].fmt == XLSX_PERCENT ? pct : NULL);
		}
	}
	worksheet_freeze_panes(ws, 3, 0);
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

static int slurp(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(out, chunk, n);
	int rc = ferror(f) ? -1 : 0;
	fclose(f);
	return rc;
}

int xlsx_send(struct req *r, const char *sheet, const char *heading, const struct xlsx_col *cols, size_t ncols,
	      const json_t *rows, const char *filename, const char *ascii_name)
{
	const char *tmpdir = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/zhifa-xlsx-XXXXXX", str_empty(tmpdir) ? "/tmp" : tmpdir);
	int fd = mkstemp(path);
	if (fd < 0) {
		log_error("mkstemp %s: %s", path, strerror(errno));
		resp_error(r, 500, NULL, "系统内部错误，导出未完成，请稍后重试。");
		return 0;
	}
	close(fd);
	struct buf data;
	buf_init(&data, 0);
	int rc = write_workbook(path, sheet, heading, cols, ncols, rows);
	if (rc == 0)
		rc = slurp(path, &data);
	unlink(path);
	if (rc < 0) {
		log_error("export %s: writing the workbook failed", ascii_name);
		buf_release(&data);
		resp_error(r, 500, NULL, "系统内部错误，导出未完成，请稍后重试。");
		return 0;
	}
	resp_text(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data.data, data.len);
	buf_release(&data);
	/* RFC 6266 / 5987: an ASCII fallback and the Chinese name, UTF-8 percent-encoded */
	struct buf enc;
	buf_init(&enc, 0);
	url_enc(&enc, filename);
	resp_header(r, "Content-Disposition",
		    req_printf(r, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii_name, buf_str(&enc)));
	buf_release(&enc);
	return 0;
}
