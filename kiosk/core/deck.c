/* deck.c — builds the rotation from packs. The order is pack by pack, page
 * by page, and for each page every language of the pack in turn, so a
 * reader of any language waits at most one page for theirs. */
#include "core/deck.h"
#include "core/fsutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "core/log.h"
#include "core/manifest.h"

struct deck {
  struct deck_entry *v;
  size_t n, cap;
  int n_packs;
  struct deck_hotline *band;
  size_t n_band;
};

struct deck *deck_new(void)
{
  return calloc(1, sizeof(struct deck));
}

static void entry_free(struct deck_entry *en)
{
  free(en->pack_id);
  free(en->root);
  free(en->page);
  free(en->name);
  free(en->lang);
  free(en->title);
}

static void hotline_free(struct deck_hotline *h)
{
  free(h->number);
  for (size_t i = 0; i < h->n_labels; i++) {
    free(h->langs[i]);
    free(h->labels[i]);
  }
  free(h->langs);
  free(h->labels);
}

void deck_free(struct deck *d)
{
  if (!d)
    return;
  for (size_t i = 0; i < d->n_band; i++)
    hotline_free(&d->band[i]);
  free(d->band);
  for (size_t i = 0; i < d->n; i++)
    entry_free(&d->v[i]);
  free(d->v);
  free(d);
}

size_t deck_count(const struct deck *d)
{
  return d ? d->n : 0;
}

const struct deck_entry *deck_get(const struct deck *d, size_t i)
{
  return d && i < d->n ? &d->v[i] : NULL;
}

int deck_read_source(const char *dir, struct manifest **out, struct kerr *e)
{
  *out = NULL;
  char path[2048];
  snprintf(path, sizeof path, "%s/pack.json", dir);
  char *json;
  size_t len = 0;
  int rc = fsutil_read_file(path, MANIFEST_MAX_BYTES, "pack description", &json, &len, e);
  if (rc)
    return rc;
  rc = manifest_parse(json, len, MANIFEST_SOURCE, out, e);
  free(json);
  if (rc)
    kerr_prefix(e, "%s", dir);
  return rc;
}

int deck_add_dir(struct deck *d, const char *dir, struct kerr *e)
{
  struct manifest *m = NULL;
  int rc = deck_read_source(dir, &m, e);
  if (rc)
    return rc;
  rc = deck_add_manifest(d, dir, m, e);
  manifest_free(m);
  return rc;
}

/* Reads the optional "band" list of a pack.json. A malformed entry is
 * skipped with a warning: the band is a convenience, the pages still show. */
static void add_band(struct deck *d, const char *dir, const char *json, size_t len)
{
  cJSON *root = cJSON_ParseWithLength(json, len);
  const cJSON *band = cJSON_GetObjectItemCaseSensitive(root, "band");
  const cJSON *item;
  cJSON_ArrayForEach(item, band)
  {
    const cJSON *country = cJSON_GetObjectItemCaseSensitive(item, "country");
    const cJSON *number = cJSON_GetObjectItemCaseSensitive(item, "number");
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(item, "label");
    if (!cJSON_IsString(country) || strlen(country->valuestring) != 2 || !cJSON_IsString(number) ||
        !*number->valuestring) {
      log_warn("%s/pack.json: a \"band\" entry needs \"country\" (two letters) and "
               "\"number\" — entry skipped",
               dir);
      continue;
    }
    struct deck_hotline *nb = realloc(d->band, (d->n_band + 1) * sizeof *nb);
    if (!nb)
      break;
    d->band = nb;
    struct deck_hotline *h = &d->band[d->n_band];
    memset(h, 0, sizeof *h);
    memcpy(h->country, country->valuestring, 2);
    h->number = strdup(number->valuestring);
    if (!h->number)
      break;
    const cJSON *l;
    size_t nl = cJSON_IsObject(label) ? (size_t)cJSON_GetArraySize(label)
                                      : (cJSON_IsString(label) ? 1u : 0u);
    h->langs = calloc(nl ? nl : 1, sizeof *h->langs);
    h->labels = calloc(nl ? nl : 1, sizeof *h->labels);
    if (!h->langs || !h->labels) {
      hotline_free(h);
      break;
    }
    if (cJSON_IsString(label)) {
      h->langs[0] = strdup("");
      h->labels[0] = strdup(label->valuestring);
      h->n_labels = 1;
    } else {
      cJSON_ArrayForEach(l, label) if (cJSON_IsString(l) && l->string)
      {
        h->langs[h->n_labels] = strdup(l->string);
        h->labels[h->n_labels] = strdup(l->valuestring);
        h->n_labels++;
      }
    }
    d->n_band++;
  }
  cJSON_Delete(root);
}

size_t deck_band(const struct deck *d, const char *country, const struct deck_hotline **out,
                 size_t max)
{
  size_t n = 0;
  for (size_t i = 0; d && i < d->n_band && n < max; i++)
    if (!country || !*country || !strcmp(country, d->band[i].country))
      out[n++] = &d->band[i];
  return n;
}

const char *deck_hotline_label(const struct deck_hotline *h, const char *lang)
{
  for (size_t i = 0; lang && i < h->n_labels; i++)
    if (h->langs[i] && !strcmp(h->langs[i], lang))
      return h->labels[i] ? h->labels[i] : "";
  for (size_t i = 0; i < h->n_labels; i++)
    if (h->langs[i] && !strcmp(h->langs[i], "en"))
      return h->labels[i] ? h->labels[i] : "";
  return h->n_labels && h->labels[0] ? h->labels[0] : "";
}

int deck_add_manifest(struct deck *d, const char *dir, const struct manifest *m, struct kerr *e)
{
  if (m->raw)
    add_band(d, dir, m->raw, m->raw_len);
  size_t first = d->n;
  size_t need = d->n + m->n_pages * m->n_languages;
  if (need > d->cap) {
    struct deck_entry *nv = realloc(d->v, need * sizeof *nv);
    if (!nv)
      return kerr_set(e, KERR_NOMEM, "out of memory");
    d->v = nv;
    d->cap = need;
  }
  int oom = 0;
  for (size_t p = 0; p < m->n_pages; p++)
    for (size_t l = 0; l < m->n_languages; l++) {
      struct deck_entry *en = &d->v[d->n++];
      memset(en, 0, sizeof *en);
      char rel[512];
      snprintf(rel, sizeof rel, "pages/%s.%s.md", m->pages[p], m->languages[l]);
      en->pack_id = strdup(m->id);
      en->version = (unsigned long long)m->version;
      en->has_accent = m->has_accent;
      en->accent = m->accent;
      en->root = strdup(dir);
      en->page = strdup(rel);
      en->name = strdup(m->pages[p]);
      en->lang = strdup(m->languages[l]);
      en->title = strdup(manifest_title(m, m->languages[l]));
      en->pack = d->n_packs;
      en->index = (int)p;
      en->n_pages = (int)m->n_pages;
      if (!en->pack_id || !en->root || !en->page || !en->name || !en->lang || !en->title)
        oom = 1;
    }
  if (oom) {
    while (d->n > first)
      entry_free(&d->v[--d->n]);
    return kerr_set(e, KERR_NOMEM, "out of memory");
  }
  d->n_packs++;
  return 0;
}
