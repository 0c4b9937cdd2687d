/* segment.h — a page cut into the pieces a translator translates.
 *
 * A unit is a byte range of the page's Markdown that holds text for people:
 * a heading, a paragraph, a list item, a quote, a table cell, a picture's
 * caption, or the label of a kiosk block (the label under a big number, the
 * country of a hotline or contact, the text under a QR code). Everything
 * else — front matter, Markdown marks, numbers, phone numbers, e-mail and
 * web addresses, block names — is the page's skeleton and stays as it is.
 * Putting each unit's text back into the skeleton gives the page again,
 * byte for byte; putting translations there gives the translated page. */
#ifndef KIOSK_TOOLS_SEGMENT_H
#define KIOSK_TOOLS_SEGMENT_H

#include <stddef.h>

enum seg_kind {
  SEG_HEADING,
  SEG_PARAGRAPH,
  SEG_LIST_ITEM,
  SEG_QUOTE,
  SEG_TABLE_CELL,
  SEG_CAPTION,     /* a picture's caption (the Markdown alt text) */
  SEG_STATS_LABEL, /* the label of a big number in a stats block */
  SEG_HOTLINE,     /* the country of a hotline */
  SEG_CONTACT,     /* the country of a contact address */
  SEG_QR_LABEL,    /* the text under a QR code */
};

struct seg_unit {
  enum seg_kind kind;
  size_t start, end; /* byte range in the page */
  int line;          /* 1-based line of start */
  int level;         /* heading level; table row (from 1) */
  int column;        /* table column (from 1) */
  char note[160];    /* what the unit belongs to: the number of a stats
                         label or hotline, the address of a contact, the
                         picture of a caption; "" if nothing */
};

struct seg_page {
  struct seg_unit *v;
  size_t n;
};

/* Cuts len bytes of a page into units, in page order. Returns 0, or
 * KERR_NOMEM. Free out with seg_page_free(). */
int seg_split(const char *text, size_t len, struct seg_page *out);

void seg_page_free(struct seg_page *p);

/* Whether two pages have the same units in the same order (same kinds),
 * so that unit i of one translates unit i of the other. */
int seg_aligned(const struct seg_page *a, const struct seg_page *b);

/* Whether a unit of this kind must stay on one line and out of a table
 * row's cells (everything but paragraphs, list items and quotes). */
int seg_kind_one_line(enum seg_kind kind);

/* Whether the unit lives in a row of cells separated by '|'. */
int seg_kind_in_row(enum seg_kind kind);

/* "heading", "paragraph", ... */
const char *seg_kind_name(enum seg_kind kind);

/* The page text with unit i replaced by repl[i] (NULL keeps the unit as it
 * is). Returns a new NUL-terminated string (free with free()) and its
 * length in *out_len, or NULL when out of memory. */
char *seg_compose(const char *text, size_t len, const struct seg_page *p, const char *const *repl,
                  size_t *out_len);

/* Whether s (n bytes of UTF-8) holds a letter of any script: text to
 * translate rather than a number or a mark. */
int seg_has_letter(const char *s, size_t n);

#endif
