/* test_report.c - reports parsed into metadata and passages with trails
 *
 * Real documents from the shared corpus (the seed paper, a law, national
 * and provincial government work reports) are checked for the trails a
 * reader expects, and every parse is checked for the passage invariants:
 * ordinals 0..n-1, at most ZK_PASSAGE_MAX characters, a byte range whose
 * first character is the passage's, valid UTF-8 text. Small inputs cover
 * Markdown markup, numbering rules, windows, metadata and odd input.
 */
#include "testutil.h"
#include "../../src/report.h"

#define SEED ZK_SHARED_DIR "/corpus/seed/bz25yb108-city-quality-ip.md"
#define LAW                                                                    \
    ZK_SHARED_DIR "/corpus/laws-regulations/诉讼与非诉讼程序法/"      \
                  "行政诉讼法(2017-06-27).md"
#define GWR ZK_SHARED_DIR "/corpus/gov-work-reports/2024-政府工作报告.txt"
#define SHANGHAI                                                               \
    ZK_SHARED_DIR "/corpus/provincial-gov-work-reports-2026/"                  \
                  "2026-上海市-政府工作报告.txt"
#define STATE                                                                  \
    ZK_SHARED_DIR "/corpus/govcn-state-council-docs-2018-2019/"                \
                  "2018-11-19-专利代理条例.txt"
#define NEWS                                                                   \
    ZK_SHARED_DIR "/corpus/cctv-xinwenlianbo/2023/2023-04-07-新闻联播.md"
#define MARKUP ZK_TEST_DATA "/report/markup.md"

/* ---- helpers ------------------------------------------------------------ */

static size_t u8len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static size_t chars(const char *s, size_t n)
{
    size_t i, k = 0;

    for (i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

static int valid_utf8(const char *s, size_t n)
{
    size_t i = 0, l, k;

    while (i < n) {
        unsigned char c = (unsigned char)s[i];

        if (c == 0 || (c >= 0x80 && c < 0xC2) || c > 0xF4)
            return 0;
        l = u8len(c);
        if (i + l > n)
            return 0;
        for (k = 1; k < l; k++)
            if (((unsigned char)s[i + k] & 0xC0) != 0x80)
                return 0;
        i += l;
    }
    return 1;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The invariants every parse must keep. */
static void check_passages(const zk__report *r, const char *src, size_t len)
{
    size_t i, k, line, prev_start = 0;

    for (i = 0; i < r->n_passages; i++) {
        const zk__passage *p = &r->passages[i];
        size_t l;
        uint32_t seps = 0;
        const char *q;

        assert_int_equal(p->ordinal, i);
        assert_non_null(p->text);
        assert_non_null(p->trail);
        assert_true(p->text_len > 0);
        assert_int_equal(strlen(p->text), p->text_len);
        assert_true(valid_utf8(p->text, p->text_len));
        if (chars(p->text, p->text_len) > ZK_PASSAGE_MAX)
            fail_msg("passage %zu has %zu characters", i,
                     chars(p->text, p->text_len));
        /* the byte range is in the input and starts at the first char */
        assert_true(p->start < p->end);
        assert_true(p->end <= len);
        l = u8len((unsigned char)p->text[0]);
        if (p->start + l > p->end || memcmp(src + p->start, p->text, l) != 0)
            fail_msg("passage %zu starts with \"%.*s\" but its bytes with "
                     "\"%.*s\"",
                     i, (int)l, p->text, (int)l, src + p->start);
        assert_true(p->start >= prev_start); /* reading order */
        prev_start = p->start;
        for (line = 1, k = 0; k < p->start; k++)
            line += src[k] == '\n';
        assert_int_equal(p->line, line);
        /* depth is the number of headings in the trail */
        for (q = p->trail; (q = strstr(q, " > ")) != NULL; q += 3)
            seps++;
        assert_int_equal(p->depth, p->trail[0] ? seps + 1 : 0);
    }
}

typedef struct parsed {
    char *src;
    size_t len;
    zk__report *r;
} parsed;

static parsed parse_file(const char *path, int format, const char *name)
{
    parsed p;

    p.src = tu_slurp(path, &p.len);
    assert_int_equal(zk__report_parse(&p.r, p.src, p.len, format, name), ZK_OK);
    assert_non_null(p.r);
    check_passages(p.r, p.src, p.len);
    return p;
}

static parsed parse_str(const char *s, int format, const char *name)
{
    parsed p;

    p.len = strlen(s);
    p.src = malloc(p.len + 1);
    assert_non_null(p.src);
    memcpy(p.src, s, p.len + 1);
    assert_int_equal(zk__report_parse(&p.r, p.src, p.len, format, name), ZK_OK);
    assert_non_null(p.r);
    check_passages(p.r, p.src, p.len);
    return p;
}

static void done(parsed *p)
{
    zk__report_free(p->r);
    free(p->src);
}

/* The first passage whose text starts with `prefix`; fails if none. */
static const zk__passage *find(const zk__report *r, const char *prefix)
{
    size_t i;

    for (i = 0; i < r->n_passages; i++)
        if (starts_with(r->passages[i].text, prefix))
            return &r->passages[i];
    fail_msg("no passage starts with \"%s\"", prefix);
    return NULL;
}

/* The first passage whose text contains `part`; fails if none. */
static const zk__passage *find_in(const zk__report *r, const char *part)
{
    size_t i;

    for (i = 0; i < r->n_passages; i++)
        if (strstr(r->passages[i].text, part) != NULL)
            return &r->passages[i];
    fail_msg("no passage contains \"%s\"", part);
    return NULL;
}

static int any_contains(const zk__report *r, const char *part)
{
    size_t i;

    for (i = 0; i < r->n_passages; i++)
        if (strstr(r->passages[i].text, part) != NULL)
            return 1;
    return 0;
}

/* ---- the corpus --------------------------------------------------------- */

static void test_seed(void **state)
{
    parsed p = parse_file(SEED, ZK_FORMAT_MD, "bz25yb108-city-quality-ip.md");
    const zk__passage *g;
    (void)state;

    /* the research form names the work in 项 目 名 称: better than the
     * form's own H1, 巴中市哲学社会科学规划项目 */
    assert_string_equal(p.r->title, "提升城市品质打造巴中独特 IP 研究");
    assert_string_equal(p.r->author, "胡明"); /* "项 目 负 责 人 胡 明" */
    assert_string_equal(p.r->org, "政协巴中市巴州区委员会办公室");
    assert_string_equal(p.r->docno, "BZ25YB108");
    assert_int_equal(p.r->year, 2025);
    assert_string_equal(p.r->date, "2025-06-13"); /* 填 表 日 期 */
    assert_non_null(strstr(p.r->keywords, "城乡耦合"));
    assert_non_null(strstr(p.r->keywords, "共同富裕"));
    assert_true(starts_with(p.r->keywords, "城市品质、创新、"));
    assert_true(starts_with(p.r->abstract, "城市是区域经济发展的动力源"));

    /* "#### （四）…" under "### **三、…**"; the long "1." paragraph is a
     * passage that starts with its number */
    g = find(p.r, "1.激活要素。精准定位乡村发展方向");
    assert_string_equal(g->trail, "三、不断提升城市品质，打造巴中独特 IP > "
                                  "（四）全力推进城乡耦合发展");
    assert_int_equal(g->depth, 2);
    assert_int_equal(g->line, 183);

    /* "## （二）" (an H2) closes "#### （一）" but stays under "### 三、" */
    g = find(p.r, "1.吸引优秀人才");
    assert_string_equal(g->trail, "三、不断提升城市品质，打造巴中独特 IP > "
                                  "（二）展现人文精神铸就城市之魂");

    /* a bold lead-in is a heading; cmark leaves these ** as text */
    g = find(p.r, "2024年全市经济总量突破870亿元");
    assert_string_equal(g->trail,
                        "二、困难短板亟需引起重视 > (一) 产业能级还需聚力提升");
    g = find(p.r, "打造品牌是增强区域、产业和企业竞争力");
    assert_string_equal(g->trail,
                        "三、不断提升城市品质，打造巴中独特 IP > "
                        "（一）突出创新引领构建发展新格局 > 3.注重创新品牌");
    assert_false(any_contains(p.r, "**"));

    /* letter-spaced Markdown headings read as words */
    g = find(p.r, "本研究成果不存在知识产权争议");
    assert_string_equal(g->trail, "声明");
    /* the tab-separated form becomes cells */
    g = find(p.r, "立项项目名称 | 提升城市品质打造巴中独特 IP 研究");
    assert_string_equal(g->trail, "一、项目变更情况数据表");
    done(&p);
}

static void test_law(void **state)
{
    parsed p = parse_file(LAW, ZK_FORMAT_MD, "行政诉讼法(2017-06-27).md");
    const zk__passage *g;
    size_t i, articles = 0;
    (void)state;

    assert_string_equal(p.r->title, "中华人民共和国行政诉讼法");
    assert_string_equal(p.r->date, "2017-06-27"); /* from the file name */
    g = find(p.r, "第五十五条 当事人认为审判人员与本案有利害关系");
    assert_string_equal(g->trail, "第七章 审理和判决 > 第一节 一般规定");
    assert_int_equal(g->depth, 2);
    /* the article keeps its following paragraphs */
    assert_non_null(strstr(g->text, "\n前两款规定，适用于书记员"));
    g = find(p.r, "第一条 为保证人民法院公正");
    assert_string_equal(g->trail, "第一章 总则");
    /* 第八条 is short, yet no article merges with another */
    g = find(p.r, "第八条 当事人在行政诉讼中的法律地位平等。");
    assert_string_equal(g->text, "第八条 当事人在行政诉讼中的法律地位平等。");
    /* items of an article are no headings */
    for (i = 0; i < p.r->n_passages; i++) {
        assert_null(strstr(p.r->passages[i].trail, "（一）"));
        if (starts_with(p.r->passages[i].text, "第") &&
            strstr(p.r->passages[i].text, "条 ") != NULL)
            articles++;
    }
    assert_true(articles >= 100);
    done(&p);
}

static void test_gov_report(void **state)
{
    parsed p = parse_file(GWR, ZK_FORMAT_PLAIN, "2024-政府工作报告.txt");
    const zk__passage *g;
    (void)state;

    assert_int_equal(p.r->year, 2024);
    /* the file name gives the year, the text the day */
    assert_string_equal(p.r->date, "2024-03-05");
    assert_string_equal(p.r->title, "2024年中华人民共和国国务院政府工作报告");
    /* "（一）…。充分发挥…" runs in: heading up to 。, the rest a passage */
    g = find(p.r, "充分发挥创新主导作用");
    assert_string_equal(g->trail, "三、2024年政府工作任务 > "
                                  "（一）大力推进现代化产业体系建设，"
                                  "加快发展新质生产力");
    g = find(p.r, "推动产业链供应链优化升级。");
    assert_string_equal(g->trail, "三、2024年政府工作任务 > "
                                  "（一）大力推进现代化产业体系建设，"
                                  "加快发展新质生产力");
    g = find(p.r, "过去一年，是全面贯彻党的二十大精神的开局之年");
    assert_string_equal(g->trail, "一、2023年工作回顾");
    /* "二、" closes "一、" */
    g = find(p.r, "今年是中华人民共和国成立75周年");
    assert_string_equal(g->trail, "二、2024年经济社会发展总体要求和政策取向");
    /* a short "各位代表！" leads into the paragraph after it */
    g = find(p.r, "各位代表！\n过去一年取得的成绩");
    assert_string_equal(g->trail, "一、2023年工作回顾");
    done(&p);

    /* the year comes from the file name even when the text disagrees */
    p = parse_str("报告\n2023年5月1日印发\n", ZK_FORMAT_PLAIN, "2024-报告.txt");
    assert_int_equal(p.r->year, 2024);
    assert_string_equal(p.r->date, "2024");
    done(&p);
}

static void test_provincial(void **state)
{
    parsed p =
        parse_file(SHANGHAI, ZK_FORMAT_PLAIN, "2026-上海市-政府工作报告.txt");
    const zk__passage *g;
    (void)state;

    assert_int_equal(p.r->year, 2026);
    assert_string_equal(p.r->title, "2026年上海市政府工作报告");
    g = find(p.r, "稳增长政策措施加快落地见效");
    assert_string_equal(g->trail,
                        "一、2025年工作回顾 > （一）全力促进经济平稳健康发展");
    g = find(p.r, "城市更新扎实开展");
    assert_string_equal(g->trail,
                        "一、2025年工作回顾 > （三）深入推进城市治理现代化");
    done(&p);
}

static void test_more_corpus(void **state)
{
    parsed p =
        parse_file(STATE, ZK_FORMAT_PLAIN, "2018-11-19-专利代理条例.txt");
    const zk__passage *g;
    (void)state;

    /* "中华人民共和国国务院令" and "第706号" on two lines */
    assert_string_equal(p.r->docno, "中华人民共和国国务院令第706号");
    assert_string_equal(p.r->date, "2018-11-19");
    g = find(p.r, "第一条　为了规范专利代理行为");
    assert_string_equal(g->trail, "第一章 总则");
    done(&p);

    p = parse_file(NEWS, ZK_FORMAT_MD, "2023-04-07-新闻联播.md");
    assert_string_equal(p.r->title, "《新闻联播》（20230407）");
    assert_string_equal(p.r->date, "2023-04-07");
    /* "5.人民日报评论员文章：" is a short numbered line: a heading */
    g = find(p.r, "紧紧锚定开展主题教育的目标任务");
    assert_string_equal(g->trail, "新闻摘要 > 5.人民日报评论员文章");
    /* "7.…；" ends like a list item: no heading, but it closes "6." */
    g = find(p.r, "7.李强主持召开国务院常务会议");
    assert_string_equal(g->trail, "新闻摘要");
    done(&p);
}

/* ---- Markdown markup ---------------------------------------------------- */

static void test_markup(void **state)
{
    parsed p = parse_file(MARKUP, ZK_FORMAT_MD, "markup.md");
    const zk__passage *g;
    size_t i;
    (void)state;

    /* front matter: metadata, not text */
    assert_string_equal(p.r->title, "标记测试文档");
    assert_string_equal(p.r->date, "2024-03-05");
    assert_int_equal(p.r->year, 2024);
    assert_string_equal(p.r->author, "张三");
    assert_string_equal(p.r->keywords, "表格、列表");
    for (i = 0; i < p.r->n_passages; i++) {
        const char *t = p.r->passages[i].text;

        assert_null(strstr(t, "title:"));
        assert_null(strstr(t, "**"));
        assert_null(strstr(t, "|---"));
        assert_null(strstr(t, "http"));
        assert_null(strstr(t, "<"));
        assert_null(strstr(t, "注释"));
        assert_null(strstr(t, "```"));
        assert_null(strstr(t, "*强调*"));
    }
    /* the only H1 is text, not a trail entry */
    g = find(p.r, "一级标题不进入路径");
    assert_string_equal(g->trail, "");

    /* a pipe table and tab-separated rows */
    g = find_in(p.r, "指标 | 2023年 | 2024年");
    assert_string_equal(g->trail, "一、表格");
    assert_non_null(strstr(g->text, "指标 | 2023年 | 2024年\n"
                                    "GDP | 126 万亿 | 134 万亿"));
    g = find(p.r, "指标A | 100 | 200\n指标B | 300 | 400");
    assert_string_equal(g->trail, "一、表格");

    /* lists, a quote, an HTML block and code, one line each */
    g = find_in(p.r, "第一项 强调 文字");
    assert_string_equal(g->trail, "二、列表与引用");
    assert_non_null(strstr(g->text, "第一项 强调 文字\n"
                                    "第二项 代码 与 链接文字\n"
                                    "嵌套项"));
    g = find_in(p.r, "1. 有序一\n2. 有序二");
    g = find_in(p.r, "引用第一段续行\n引用第二段");
    assert_string_equal(g->trail, "二、列表与引用");
    g = find_in(p.r, "HTML 块里的文字");
    g = find_in(p.r, "int main(void) { return 0; }");

    /* a numbered paragraph heading closes the Markdown one of its rank;
     * entities and escapes are read, single * kept */
    g = find(p.r, "正文第一段");
    assert_string_equal(g->trail, "三、没有井号的标题");
    assert_string_equal(g->text,
                        "正文第一段，含有&实体与*转义*字符，粗体也去掉标记。");
    done(&p);
}

/* Build `depth` nested containers of `open` around one word. */
static char *nested(const char *open, size_t depth)
{
    size_t n = strlen(open), i;
    char *s = malloc(n * depth + 64);

    assert_non_null(s);
    for (i = 0; i < depth; i++)
        memcpy(s + i * n, open, n);
    strcpy(s + n * depth, "深层内容\n\n正文。\n");
    return s;
}

static void test_deep_nesting(void **state)
{
    static const char *const opens[] = {"> ", "- ", "1. ", "* > "};
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(opens) / sizeof(opens[0]); i++) {
        char *s = nested(opens[i], 10000);
        parsed p = parse_str(s, ZK_FORMAT_MD, NULL);

        assert_true(any_contains(p.r, "深层内容"));
        assert_true(any_contains(p.r, "正文。"));
        done(&p);
        free(s);
    }
}

static void test_empty(void **state)
{
    static const char *const inputs[] = {"",
                                         " ",
                                         "\n\n\n",
                                         " \t\r\n　\n",
                                         "\xef\xbb\xbf\n",
                                         "---\ntitle: x\n---\n"};
    zk__report *r;
    size_t i;
    int f;
    (void)state;

    for (f = ZK_FORMAT_PLAIN; f <= ZK_FORMAT_MD; f++) {
        for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
            assert_int_equal(
                zk__report_parse(&r, inputs[i], strlen(inputs[i]), f, NULL),
                ZK_OK);
            assert_int_equal(r->n_passages, 0);
            zk__report_free(r);
        }
        assert_int_equal(zk__report_parse(&r, NULL, 0, f, NULL), ZK_OK);
        assert_int_equal(r->n_passages, 0);
        assert_null(r->title);
        assert_int_equal(r->year, 0);
        zk__report_free(r);
    }
    /* in Markdown a comment is no text either */
    assert_int_equal(zk__report_parse(&r, "<!-- -->\n", 9, ZK_FORMAT_MD, NULL),
                     ZK_OK);
    assert_int_equal(r->n_passages, 0);
    zk__report_free(r);
    zk__report_free(NULL);
}

/* ---- numbering, articles and windows ------------------------------------ */

static void test_numbering(void **state)
{
    parsed p = parse_str(
        "总体方案\n"
        "一、总体要求\n"
        "（一）指导思想。坚持以人民为中心的发展思想，统筹发展和安全，推动高质量"
        "发"
        "展。\n"
        "1."
        "具体任务。这是一项具体任务的描述，内容比较长，超过四十个字符的段落应当"
        "作为正文处理，不作为标题。\n"
        "（二）基本原则\n"
        "（1）细目标题\n"
        "细目的正文内容，用来说明第四层级的标题也能正确嵌套在上级之下。\n"
        "二、重点任务\n"
        "第二部分的正文内容在这里，它应当只在二、之下，而不在（二）之下。\n",
        ZK_FORMAT_PLAIN, NULL);
    const zk__passage *g;
    (void)state;

    assert_string_equal(p.r->title, "总体方案");
    g = find(p.r, "坚持以人民为中心");
    assert_string_equal(g->trail, "一、总体要求 > （一）指导思想");
    g = find(p.r, "1.具体任务。");
    assert_string_equal(g->trail, "一、总体要求 > （一）指导思想");
    g = find(p.r, "细目的正文内容");
    assert_string_equal(g->trail,
                        "一、总体要求 > （二）基本原则 > （1）细目标题");
    g = find(p.r, "第二部分的正文内容");
    assert_string_equal(g->trail, "二、重点任务");
    done(&p);

    /* a Markdown heading of level L closes numbered paragraphs and
     * Markdown headings of level >= L */
    p = parse_str(
        "## 背景\n\n一、第一部分\n\n正文甲，内容足够长，超过了最短的合并长度限"
        "制。\n\n## 结语\n\n正文乙，内容足够长，超过了最短的合并长度限制。\n",
        ZK_FORMAT_MD, NULL);
    g = find(p.r, "正文甲");
    assert_string_equal(g->trail, "背景 > 一、第一部分");
    g = find(p.r, "正文乙");
    assert_string_equal(g->trail, "结语");
    done(&p);
}

static void test_articles(void **state)
{
    parsed p = parse_str("第一章 总则\n"
                         "第一条 为了测试，制定本条例。\n"
                         "（一）第一项；\n"
                         "（二）第二项。\n"
                         "第二条 另一条。\n"
                         "第二章　附则\n"
                         "第一节  监  护\n"
                         "第三条　本条例自公布之日起施行。\n",
                         ZK_FORMAT_PLAIN, NULL);
    const zk__passage *g;
    (void)state;

    g = find(p.r, "第一条");
    assert_string_equal(g->text,
                        "第一条 为了测试，制定本条例。\n（一）第一项；\n"
                        "（二）第二项。");
    assert_string_equal(g->trail, "第一章 总则");
    g = find(p.r, "第二条");
    assert_string_equal(g->text, "第二条 另一条。");
    g = find(p.r, "第三条");
    assert_string_equal(g->trail, "第二章 附则 > 第一节 监护");
    done(&p);
}

static void test_windows(void **state)
{
    char *s = malloc(20000);
    size_t i, n = 0, total = 0;
    parsed p;
    (void)state;

    /* 40 sentences of 21 characters: windows near 300, at sentence ends */
    assert_non_null(s);
    for (i = 0; i < 40; i++)
        n += (size_t)sprintf(s + n,
                             "这是用于测试切分的第%02zu个句子内容足够长。", i);
    p = parse_str(s, ZK_FORMAT_PLAIN, NULL);
    assert_int_equal(p.r->n_passages, 3); /* 840 / 3 = 280 each */
    for (i = 0; i < p.r->n_passages; i++) {
        const zk__passage *g = &p.r->passages[i];
        size_t c = chars(g->text, g->text_len);

        assert_true(c >= ZK_PASSAGE_TARGET / 2 && c <= ZK_PASSAGE_MAX);
        assert_true(strcmp(g->text + g->text_len - 3, "。") == 0);
        assert_true(i == 0 || g->start == p.r->passages[i - 1].end);
        total += c;
    }
    assert_int_equal(total, 840);
    done(&p);

    /* one sentence of 1200 characters: cut after ZK_PASSAGE_MAX, and the
     * next window repeats the last ZK_PASSAGE_OVERLAP characters */
    for (i = n = 0; i < 1200; i++)
        n += (size_t)sprintf(s + n, "%s", i % 2 ? "政" : "策");
    p = parse_str(s, ZK_FORMAT_PLAIN, NULL);
    assert_int_equal(p.r->n_passages, 3);
    assert_int_equal(chars(p.r->passages[0].text, p.r->passages[0].text_len),
                     ZK_PASSAGE_MAX);
    assert_int_equal(chars(p.r->passages[2].text, p.r->passages[2].text_len),
                     200 + 2 * ZK_PASSAGE_OVERLAP);
    assert_int_equal(p.r->passages[1].start,
                     p.r->passages[0].end - 3 * ZK_PASSAGE_OVERLAP);
    done(&p);

    /* short pieces join within a section, never across a heading */
    p = parse_str("一、甲\n短句一。\n短句二。\n二、乙\n短句三。\n",
                  ZK_FORMAT_PLAIN, NULL);
    assert_int_equal(p.r->n_passages, 2);
    assert_string_equal(p.r->passages[0].text, "短句一。\n短句二。");
    assert_string_equal(p.r->passages[1].text, "短句三。");
    assert_string_equal(p.r->passages[1].trail, "二、乙");
    done(&p);

    /* a heading with nothing under it becomes text */
    p = parse_str("一、空的标题\n二、有内容的标题\n正文。\n", ZK_FORMAT_PLAIN,
                  NULL);
    assert_string_equal(p.r->passages[0].text, "一、空的标题");
    assert_string_equal(p.r->passages[0].trail, "");
    assert_string_equal(p.r->passages[1].trail, "二、有内容的标题");
    done(&p);
    free(s);
}

/* ---- metadata ----------------------------------------------------------- */

static void test_metadata(void **state)
{
    parsed p = parse_str("某某研究报告\n"
                         "课 题 负 责 人 ： 李 四\n"
                         "作者简介：不是作者\n"
                         "所在单位 某某大学经济学院\n"
                         "关键词：数字经济；产业政策，区域协调\n"
                         "摘要\n"
                         "本文研究数字经济。\n"
                         "鲁政办字〔2013〕5号\n"
                         "二〇二四年三月五日\n",
                         ZK_FORMAT_PLAIN, "report.txt");
    (void)state;

    assert_string_equal(p.r->title, "某某研究报告");
    assert_string_equal(p.r->author, "李四");
    assert_string_equal(p.r->org, "某某大学经济学院");
    assert_string_equal(p.r->keywords, "数字经济、产业政策、区域协调");
    assert_string_equal(p.r->abstract, "本文研究数字经济。");
    assert_string_equal(p.r->docno, "鲁政办字〔2013〕5号");
    assert_string_equal(p.r->date, "2024-03-05");
    assert_int_equal(p.r->year, 2024);
    done(&p);

    /* labels in 【】, a date before 1949 in the text is ignored, a label
     * with a parenthesis and no value is skipped */
    p = parse_str("【发布机关】国务院办公厅\n"
                  "项目负责人（签字）\n"
                  "1921年7月的会议\n"
                  "执笔人：王五\n"
                  "2019/2/15 发布\n",
                  ZK_FORMAT_PLAIN, NULL);
    assert_string_equal(p.r->org, "国务院办公厅");
    assert_string_equal(p.r->author, "王五");
    assert_string_equal(p.r->date, "2019-02-15");
    done(&p);

    /* file names: a leading date, a date in parentheses, an old year */
    p = parse_str("正文", ZK_FORMAT_PLAIN, "2019-02-15-国务院关于.txt");
    assert_string_equal(p.r->date, "2019-02-15");
    done(&p);
    p = parse_str("正文", ZK_FORMAT_MD, "dir/行政诉讼法(2017-06-27).md");
    assert_string_equal(p.r->date, "2017-06-27");
    done(&p);
    p = parse_str("正文", ZK_FORMAT_PLAIN, "1921-中共第1次全国代表大会.txt");
    assert_int_equal(p.r->year, 1921);
    done(&p);
    p = parse_str("2025年6月的正文", ZK_FORMAT_PLAIN, "无日期.txt");
    assert_string_equal(p.r->date, "2025-06");
    assert_int_equal(p.r->year, 2025);
    done(&p);

    /* a referenced document number inside a sentence is not this one's */
    p = parse_str("第九条 凡需新辟机场，按国办发(1985)49号文件规定办理。\n",
                  ZK_FORMAT_PLAIN, NULL);
    assert_null(p.r->docno);
    done(&p);
}

static void test_bad_bytes(void **state)
{
    static const char in[] = "第一章 总则\n\n第一条 内容\xff\xfe有\x00效\x01。"
                             "\xe4\xb8\n\n**粗\x00体**";
    zk__report *r;
    size_t i;
    int f;
    (void)state;

    for (f = ZK_FORMAT_PLAIN; f <= ZK_FORMAT_MD; f++) {
        assert_int_equal(zk__report_parse(&r, in, sizeof(in) - 1, f, NULL),
                         ZK_OK);
        assert_true(r->n_passages >= 1);
        check_passages(r, in, sizeof(in) - 1);
        for (i = 0; i < r->n_passages; i++)
            assert_null(strstr(r->passages[i].text, "\xef\xbf\xbd"));
        assert_non_null(strstr(r->passages[0].text, "第一条 内容有效。"));
        zk__report_free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed),         cmocka_unit_test(test_law),
        cmocka_unit_test(test_gov_report),   cmocka_unit_test(test_provincial),
        cmocka_unit_test(test_more_corpus),  cmocka_unit_test(test_markup),
        cmocka_unit_test(test_deep_nesting), cmocka_unit_test(test_empty),
        cmocka_unit_test(test_numbering),    cmocka_unit_test(test_articles),
        cmocka_unit_test(test_windows),      cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_bad_bytes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
