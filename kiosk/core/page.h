/* page.h — the page model: one Markdown page of a pack, parsed into blocks
 * that the layout engine places. No SDL here: this is what the parser
 * understood, not how it looks. */
#ifndef KIOSK_CORE_PAGE_H
#define KIOSK_CORE_PAGE_H

#include <stddef.h>

#include "core/err.h"

enum page_block_type {
  PAGE_HEADING,   /* level 1..6, spans */
  PAGE_PARAGRAPH, /* spans */
  PAGE_LIST_ITEM, /* level = nesting depth from 1, ordered/number, spans */
  PAGE_QUOTE,     /* a paragraph inside a block quote, spans */
  PAGE_IMAGE,     /* src (relative to the pack root), caption */
  PAGE_STATS,     /* rows: number | label */
  PAGE_HOTLINES,  /* rows: country | number | channel */
  PAGE_CONTACTS,  /* rows: country | e-mail */
  PAGE_QR,        /* rows: text or URL [| label] */
  PAGE_RULE,      /* thematic break */
  PAGE_TABLE,     /* rows of cells; level = number of header rows */
};

enum page_span_flags {
  PAGE_SPAN_BOLD = 1,
  PAGE_SPAN_ITALIC = 2,
  PAGE_SPAN_CODE = 4,
  PAGE_SPAN_LINK = 8,
};

struct page_span {
  char *text; /* UTF-8; never NULL */
  unsigned flags;
  char *href; /* for PAGE_SPAN_LINK, else NULL */
};

struct page_row {
  char **cells;
  size_t n_cells;
};

struct page_block {
  enum page_block_type type;
  int line;    /* 1-based line in the page file, 0 if unknown */
  int level;   /* heading level, list depth */
  int ordered; /* list item of an ordered list */
  int number;  /* its number */
  struct page_span *spans;
  size_t n_spans;
  char *src;     /* image: path relative to the pack root */
  char *caption; /* image: caption (the Markdown alt text) */
  struct page_row *rows;
  size_t n_rows;
};

enum page_layout {
  PAGE_LAYOUT_AUTO = 0, /* chosen from content and screen shape */
  PAGE_LAYOUT_TEXT,     /* text only, images below the text */
  PAGE_LAYOUT_IMAGE_LEFT,
  PAGE_LAYOUT_IMAGE_RIGHT,
  PAGE_LAYOUT_IMAGE_TOP,
};

enum page_image_fit {
  PAGE_IMAGE_CONTAIN = 0, /* the whole picture, letterboxed */
  PAGE_IMAGE_COVER,       /* fills its box, cropped at the edges */
};

/* Something the author should fix; the page still renders. */
struct page_problem {
  int line;
  char msg[300];
};

/* How long a page stands when its front matter does not say. */
#define PAGE_DEFAULT_DURATION_S 15

struct page {
  char *name;     /* file name used in messages, e.g. pages/01-news.ru.md */
  int duration_s; /* seconds on screen; 0 = PAGE_DEFAULT_DURATION_S */
  enum page_layout layout;
  enum page_image_fit image_fit;
  int alert;
  /* When the page is shown (front matter from, until, hours, days) and
   * where (countries); all optional. */
  int has_from, has_until, has_hours;
  long long from, until; /* unix seconds */
  int hours_start_min, hours_end_min;
  unsigned days;         /* schedule.h's SCHEDULE_MON... mask; 0 = every day */
  char countries[16][3]; /* ISO 3166-1 alpha-2; none = every country */
  size_t n_countries;    /* shown first and more often */
  struct page_block *blocks;
  size_t n_blocks;
  struct page_problem *problems;
  size_t n_problems;
};

#define PAGE_MAX_BYTES (256 * 1024)
#define PAGE_DURATION_MIN_S 3
#define PAGE_DURATION_MAX_S 600

/* Parses a page. name is used in messages and to resolve image paths
 * (relative to the page's folder, then to the pack root). Problems an author
 * can fix (unknown block, bad front matter, ...) are recorded in
 * page->problems with their line and do not fail the parse; only a page too
 * big or out of memory fails. Returns a new page; free with page_free(). */
int page_parse(const char *text, size_t len, const char *name, struct page **out, struct kerr *e);

/* Reads and parses root/relpath. */
int page_load(const char *root, const char *relpath, struct page **out, struct kerr *e);

void page_free(struct page *p);

/* Reads only the front matter of root/relpath (duration, layout, alert),
 * from its first 4 KiB: the rotation needs these for every page at start,
 * and parsing every page in full would cost the first page its speed.
 * Returns a new page with no blocks; free with page_free(). */
int page_peek(const char *root, const char *relpath, struct page **out, struct kerr *e);

/* Asks the disk for what page_peek() will read of root/relpath, without
 * waiting for it: called for every page before peeking them one by one, a
 * cold start waits for them together rather than once per page. A page
 * that cannot be opened is left to page_peek() to report. */
void page_prefetch(const char *root, const char *relpath);

/* Plain text of a block's spans joined, for tests and logs. Returns a new
 * string; free with free(). */
char *page_block_text(const struct page_block *b);

#endif
