/*
 * pdf_sample.h - the document that tests/unit/test_pdf.c checks and
 * bench/bench_pdf.c times: a 询问笔录 of about three pages (rounds = 6)
 * with the notice to the party (officers with certificate numbers, the
 * remedies) and two signature images drawn with cairo.
 */
#ifndef ZHIFA_PDF_SAMPLE_H
#define ZHIFA_PDF_SAMPLE_H
#include "core/core.h"
#include "core/buf.h"
#include "records/pdf.h"
#include <cairo.h>
#include <math.h>

#define PDF_SAMPLE_ROUNDS 6 /* questions and answers for three pages */

/* ---- a signature as PNG, drawn with cairo ---- */
static inline cairo_status_t png_out(void *closure, const unsigned char *data, unsigned int n)
{
	buf_add(closure, data, n);
	return CAIRO_STATUS_SUCCESS;
}

static inline void make_signature(struct buf *png, int w, int h, double seed)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgba(cr, 0, 0, 0, 0);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0.05, 0.05, 0.3);
	cairo_set_line_width(cr, h / 25.0);
	cairo_move_to(cr, w * 0.1, h * 0.6);
	for (int i = 1; i <= 40; i++) {
		double t = i / 40.0;
		cairo_line_to(cr, w * (0.1 + 0.8 * t), h * (0.5 + 0.3 * sin(t * 12 + seed) * (1 - t / 2)));
	}
	cairo_stroke(cr);
	cairo_destroy(cr);
	cairo_surface_write_to_png_stream(s, png_out, png);
	cairo_surface_destroy(s);
}

/* ---- the 询问笔录 ---- */
static const char *long_para =
	"经查，当事人自二〇二六年三月起在昆明市官渡区某工业园区内从事工业产品的生产活动，"
	"其生产的电线电缆属于实行生产许可证管理的产品，当事人在未取得工业产品生产许可证的情况下，"
	"擅自组织生产并对外销售，截至执法人员现场检查之日，共生产电线电缆一千二百余卷，已销售八百余卷，"
	"货值金额合计人民币三十六万四千元，违法所得人民币四万二千元。上述事实有现场检查记录、询问笔录、"
	"销售台账、银行流水及产品照片等证据证明，当事人对上述事实无异议。";

struct sample {
	struct buf content;
	struct pdf_field fields[8];
	const char *phrases[2];
	struct pdf_image images[2];
	struct buf png1, png2;
	struct pdf_doc d;
};

static const char *notice_text =
	"执法主体：云南省工业和信息化厅\n"
	"执法人员：张明（执法证号 53010020260001）、李华（执法证号 53010020260002）\n"
	"协助人员：无；鉴定人员：无\n"
	"案由：涉嫌未取得工业产品生产许可证擅自生产列入目录产品\n"
	"执法依据：《中华人民共和国工业产品生产许可证管理条例》第四十五条\n"
	"当事人的权利：当事人有权进行陈述和申辩；对执法人员的身份有疑问的，可以要求出示执法证件；"
	"执法人员与本案有直接利害关系的，当事人有权申请回避。\n"
	"救济途径：当事人对具体行政行为不服的，可以自收到本文书之日起六十日内向云南省人民政府申请行政复议，"
	"或者自收到本文书之日起六个月内向昆明市中级人民法院提起行政诉讼。";

static inline void sample_init(struct sample *s, int rounds)
{
	memset(s, 0, sizeof(*s));
	buf_init(&s->content, 0);
	for (int i = 1; i <= rounds; i++) {
		buf_printf(&s->content,
			   "问：你是否清楚今天我们向你询问的目的？这是第%d个问题。\n"
			   "答：清楚，你们是来调查我公司生产电线电缆的情况的，我会如实回答。\n"
			   "问：你公司生产的产品是否取得了工业产品生产许可证？请详细说明产品的名称、规格型号、"
			   "生产数量、销售数量和销售对象，以及开始生产的时间。\n"
			   "答：我公司生产的电线电缆尚未取得生产许可证，申请材料已经递交但还在审查之中。\n",
			   i);
		if (i == 3)
			buf_printf(&s->content, "问：请你确认以下事实。\n答：%s\n", long_para);
	}
	buf_puts(&s->content, "问：你还有什么需要补充的吗？\n答：没有了，以上所说均属实。");
	int n = 0;
	s->fields[n++] = (struct pdf_field){ "询问时间", "2026年11月30日 09时30分至11时05分" };
	s->fields[n++] = (struct pdf_field){ "询问地点", "昆明市官渡区某工业园区A栋三楼会议室" };
	s->fields[n++] = (struct pdf_field){ "被询问人", "王某某，男，身份证号码 5301**********1234，某电缆有限公司法定代表人" };
	s->fields[n++] = (struct pdf_field){ "询问人", "张明（执法证号 53010020260001）、李华（执法证号 53010020260002）" };
	s->fields[n++] = (struct pdf_field){ "记录人", "李华" };
	s->fields[n++] = (struct pdf_field){ "询问内容", buf_str(&s->content) };
	s->fields[n++] = (struct pdf_field){ "", "被询问人核对意见：以上笔录我已看过，与我说的相符。" };
	s->phrases[0] = "我们是云南省工业和信息化厅的执法人员张明、李华，这是我们的执法证件。"
			"现依法向你进行询问调查，请你如实回答，你有权进行陈述和申辩。";
	s->phrases[1] = "你如认为执法人员与本案有直接利害关系，可以申请回避。";
	make_signature(&s->png1, 600, 200, 0);
	make_signature(&s->png2, 300, 300, 2);
	s->images[0] = (struct pdf_image){ (const unsigned char *)s->png1.data, s->png1.len, "被询问人签名" };
	s->images[1] = (struct pdf_image){ (const unsigned char *)s->png2.data, s->png2.len, "询问人签名" };
	s->d = (struct pdf_doc){
		.body_name = "云南省工业和信息化厅",
		.title = "询问笔录",
		.number = "云工信询〔2026〕12号",
		.fields = s->fields,
		.n_fields = (size_t)n,
		.phrases = s->phrases,
		.n_phrases = 2,
		.notice = notice_text,
		.images = s->images,
		.n_images = 2,
		.footer = "案件编号 2026-0012 · 本文书一式两份",
		.watermark = "",
	};
}

static inline void sample_release(struct sample *s)
{
	buf_release(&s->content);
	buf_release(&s->png1);
	buf_release(&s->png2);
}

#endif
