/*
 * cmd_redact.c - `zhifa redact`: the redaction engine (publicity/redact.h)
 * from the command line, for bulk work and for checking.
 *
 *   zhifa redact [--party-kind person|org|individual_business] [--party NAME]
 *                [--officer NAME]... [--marks [--with-text]] [FILE]
 *
 * Reads FILE (or standard input; "-" is standard input too), at most
 * REDACT_MAX_TEXT bytes, and prints the redacted text to standard output
 * (exit 0).  --marks prints the marks as JSON instead:
 *   {"original_length":N,"marks":[{"start","end","kind","kind_label","reason"}]}
 * (byte offsets); the masked text itself is printed only with --with-text
 * (member "text"), so that a list of marks can be shared without what it
 * hides.  --officer names a case officer whose name is kept.  Exit 1 when
 * the file cannot be read or is not UTF-8, 2 on usage errors (Chinese
 * message on stderr).
 */
#include "core/core.h"
#include "cli/cli.h"
#include "publicity/redact.h"
#include <jansson.h>
#include <errno.h>

#define REDACT_USAGE \
	"用法: zhifa redact [--party-kind person|org|individual_business] [--party 当事人名称]\n" \
	"                   [--officer 执法人员姓名]... [--marks [--with-text]] [文件]\n" \
	"  不给文件（或给 -）时读标准输入；输出隐去个人信息后的文本，--marks 改为输出标注（JSON）。\n"

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "zhifa redact: %s\n", why);
	fputs(REDACT_USAGE, stderr);
	return EXIT_USAGE;
}

/* Read all of f into b (at most max + 1 bytes, to tell "too long"). */
static int read_all(FILE *f, struct buf *b, size_t max)
{
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b->len + n > max + 1)
			n = max + 1 - b->len;
		buf_add(b, chunk, n);
		if (b->len > max)
			break;
	}
	return ferror(f) ? -1 : 0;
}

int cmd_redact(int argc, char **argv)
{
	const char *kind = NULL, *party = NULL, *file = NULL;
	const char *officers[32];
	size_t nofficers = 0;
	bool marks = false, with_text = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		const char *eq = NULL;
		if (strcmp(a, "--marks") == 0) {
			marks = true;
			continue;
		}
		if (strcmp(a, "--with-text") == 0) {
			with_text = true;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(REDACT_USAGE, stdout);
			return EXIT_OK;
		}
		const char *opt_names[] = { "--party-kind", "--party", "--officer" };
		int which = -1;
		for (int k = 0; k < 3; k++) {
			size_t l = strlen(opt_names[k]);
			if (strncmp(a, opt_names[k], l) == 0 && (a[l] == '\0' || a[l] == '=')) {
				which = k;
				eq = a[l] == '=' ? a + l + 1 : NULL;
			}
		}
		if (which >= 0) {
			const char *val = eq;
			if (!val) {
				if (i + 1 >= argc) {
					char m[96];
					snprintf(m, sizeof m, "选项 %s 缺少取值", opt_names[which]);
					return usage(m);
				}
				val = argv[++i];
			}
			if (which == 0)
				slot = &kind;
			else if (which == 1)
				slot = &party;
			else {
				if (nofficers == ARRAY_SIZE(officers))
					return usage("--officer 至多 32 个");
				officers[nofficers++] = val;
				continue;
			}
			*slot = val;
			continue;
		}
		if (str_starts(a, "--") || (a[0] == '-' && a[1] != '\0')) {
			char m[160];
			snprintf(m, sizeof m, "未知选项 %.100s", a);
			return usage(m);
		}
		if (file)
			return usage("只能给一个文件");
		file = a;
	}
	if (with_text && !marks)
		return usage("--with-text 只能与 --marks 一起使用");
	struct redact_opts o = { 0 };
	if (redact_party_parse(kind, &o.party_kind) < 0)
		return usage("--party-kind 应为 person（公民）、org（法人或其他组织）或 individual_business（个体工商户）");
	if (party && (!utf8_valid(party, strlen(party)) || strlen(party) > 300))
		return usage("--party 应为 UTF-8 文本，至多 300 字节");
	o.party = party;
	struct redact_person persons[32];
	for (size_t k = 0; k < nofficers; k++)
		persons[k] = (struct redact_person){ officers[k], true, "执法人员" };
	o.persons = persons;
	o.npersons = nofficers;

	FILE *f = stdin;
	if (file && strcmp(file, "-") != 0) {
		f = fopen(file, "rb");
		if (!f) {
			fprintf(stderr, "zhifa redact: 无法打开文件 %s：%s\n", file, strerror(errno));
			return EXIT_FAIL;
		}
	}
	struct buf in;
	buf_init(&in, 0);
	int rc = read_all(f, &in, REDACT_MAX_TEXT);
	if (f != stdin)
		fclose(f);
	if (rc < 0) {
		fprintf(stderr, "zhifa redact: 读取 %s 失败\n", file ? file : "标准输入");
		buf_release(&in);
		return EXIT_FAIL;
	}
	struct redact_marks m = REDACT_MARKS_INIT;
	struct err e = ERR_INIT;
	if (redact_detect(buf_str(&in), in.len, &o, &m, &e) < 0) {
		fprintf(stderr, "zhifa redact: %s\n", e.msg);
		buf_release(&in);
		return EXIT_FAIL;
	}
	if (marks) {
		json_t *list = json_array();
		for (size_t k = 0; k < m.n; k++) {
			json_t *x = json_pack("{s:I,s:I,s:s,s:s,s:s}", "start", (json_int_t)m.v[k].start, "end",
					      (json_int_t)m.v[k].end, "kind", redact_kind_code(m.v[k].kind), "kind_label",
					      redact_kind_label(m.v[k].kind), "reason", m.v[k].reason);
			if (with_text)
				json_object_set_new(x, "text", json_stringn(in.data + m.v[k].start, m.v[k].end - m.v[k].start));
			json_array_append_new(list, x);
		}
		json_t *doc = json_pack("{s:I,s:o}", "original_length", (json_int_t)in.len, "marks", list);
		char *s = json_dumps(doc, JSON_INDENT(1));
		fputs(s, stdout);
		fputc('\n', stdout);
		free(s);
		json_decref(doc);
	} else {
		struct buf out;
		buf_init(&out, 0);
		redact_apply(buf_str(&in), in.len, &m, &out);
		fwrite(out.data, 1, out.len, stdout);
		buf_release(&out);
	}
	redact_marks_release(&m);
	buf_release(&in);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}
