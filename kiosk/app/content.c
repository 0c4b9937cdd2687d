/* content.c — from the store and source folders to the rotation.
 *
 * Every pack is judged by the schedule before its pages join the deck: an
 * expired pack (against the later of the clock and the time floor), one for
 * another country or with none of the site's languages is left out, and the
 * log says why. The rotation is schedule_build()'s cycle over the remaining
 * pages, mapped back to deck entries. */
#include "app/content.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/keyring.h"
#include "core/log.h"
#include "core/manifest.h"
#include "core/pack.h"
#include "core/page.h"
#include "core/schedule.h"
#include "core/scrub.h"
#include "core/sig.h"
#include "core/store.h"

#define CONTENT_MAX_DIRS 16

/* Kept to rebuild on reload. */
struct content_priv {
  struct content pub;
  char *store_dir, *trusted;
  char *pack_dirs[CONTENT_MAX_DIRS];
  size_t n_pack_dirs;
  struct scrub *scrub;       /* the background check, once started */
  int check_wanted;          /* asked for while the keys could not be loaded: */
  struct scrub_params check; /* started once they can */
};

/* Adds a pack to the deck if the schedule shows it now. */
static void consider(struct content *c, const char *dir, const struct manifest *m,
                     const struct schedule_time *t)
{
  enum schedule_verdict v = schedule_check_pack(m, &c->cfg, t);
  if (v != SCHEDULE_SHOWN) {
    log_info("%s (version %llu): not shown — %s", m->id, (unsigned long long)m->version,
             schedule_verdict_str(v));
    return;
  }
  struct kerr e;
  if (deck_add_manifest(c->deck, dir, m, &e))
    log_error("%s: %s", dir, e.msg);
}

/* The rotation reads the head of every page (its first language) one
 * after another; ask the disk for all of them first. */
static void prefetch_pages(const struct content *c)
{
  size_t n = deck_count(c->deck);
  for (size_t i = 0; i < n; i++) {
    const struct deck_entry *en = deck_get(c->deck, i);
    if (i > 0 && deck_get(c->deck, i - 1)->pack == en->pack &&
        deck_get(c->deck, i - 1)->index == en->index)
      continue;
    page_prefetch(en->root, en->page);
  }
}

/* Builds the rotation over the deck's entries: one schedule page per
 * (pack, page) with the languages its deck entries have. */
static int build_rotation(struct content *c, const struct schedule_time *t, struct kerr *e)
{
  prefetch_pages(c);
  size_t n = deck_count(c->deck);
  struct schedule_page *pages = calloc(n ? n : 1, sizeof *pages);
  const char **langs = calloc(n ? n : 1, sizeof *langs);
  size_t *first = calloc(n ? n : 1, sizeof *first);
  if (!pages || !langs || !first) {
    free(pages);
    free(langs);
    free(first);
    return kerr_set(e, KERR_NOMEM, "out of memory building the rotation");
  }
  size_t np = 0;
  for (size_t i = 0; i < n;) {
    const struct deck_entry *en = deck_get(c->deck, i);
    size_t j = i;
    while (j < n && deck_get(c->deck, j)->pack == en->pack &&
           deck_get(c->deck, j)->index == en->index) {
      langs[j] = deck_get(c->deck, j)->lang;
      j++;
    }
    struct schedule_page *sp = &pages[np];
    sp->pack = en->pack;
    sp->page = en->index;
    sp->languages = &langs[i];
    sp->n_languages = j - i;
    /* Duration, alert, and when and where it shows, from the page itself
     * (first language). */
    struct page *pg;
    struct kerr pe;
    int shown = 1;
    if (page_peek(en->root, en->page, &pg, &pe) == 0) {
      sp->duration_s = pg->duration_s;
      sp->alert = pg->alert;
      struct schedule_window win = {pg->has_from,      pg->from,      pg->has_until,
                                    pg->until,         pg->has_hours, pg->hours_start_min,
                                    pg->hours_end_min, pg->days};
      enum schedule_verdict v = schedule_check_window(&win, config_tz_offset(&c->cfg, t->now), t);
      int country_ok = pg->n_countries == 0 || !c->cfg.country[0];
      for (size_t k = 0; k < pg->n_countries; k++)
        if (!strcmp(pg->countries[k], c->cfg.country))
          country_ok = 1;
      if (v != SCHEDULE_SHOWN || !country_ok) {
        log_info("%s/%s: not shown now — %s", en->root, en->page,
                 !country_ok ? "for other countries" : schedule_verdict_str(v));
        shown = 0;
      }
      page_free(pg);
    }
    i = j;
    if (!shown)
      continue;
    first[np] = (size_t)(sp->languages - langs);
    np++;
  }
  struct schedule_slot *slots = NULL;
  size_t ns = 0;
  int rc = schedule_build(pages, np, &c->cfg, SCHEDULE_ALERT_EVERY, &slots, &ns, e);
  if (!rc) {
    struct content_slot *cs = calloc(ns ? ns : 1, sizeof *cs);
    if (!cs) {
      rc = kerr_set(e, KERR_NOMEM, "out of memory building the rotation");
    } else {
      for (size_t k = 0; k < ns; k++) {
        /* lang[] indexes the page's languages, which are its deck entries
         * in order. */
        cs[k].entry = first[slots[k].page] + (size_t)slots[k].lang[0];
        cs[k].entry2 =
            slots[k].n_langs == 2 ? first[slots[k].page] + (size_t)slots[k].lang[1] : (size_t)-1;
        cs[k].duration_s = slots[k].duration_s;
        cs[k].alert = slots[k].alert;
      }
      free(c->slots);
      c->slots = cs;
      c->n_slots = ns;
    }
  }
  free(slots);
  free(pages);
  free(langs);
  free(first);
  return rc;
}

static int build(struct content_priv *p, int64_t clock_now, struct kerr *e)
{
  struct content *c = &p->pub;
  struct deck *old = c->deck;
  c->deck = deck_new();
  if (!c->deck) {
    c->deck = old;
    return kerr_set(e, KERR_NOMEM, "out of memory");
  }
  int64_t floor = 0;
  int plausible = 1;
  if (c->store) {
    store_note_time(c->store, clock_now, NULL);
    floor = store_time_floor(c->store);
    plausible = store_clock_plausible(c->store, clock_now);
  }
  struct schedule_time t;
  schedule_now(clock_now, floor, &t);
  if (!plausible && t.clock_trusted) {
    /* Far past anything signed (a board booting in 2099): judged by the
     * floor, as a clock behind it is. */
    t.clock_trusted = 0;
    t.now = floor;
    log_warn("the clock says %lld, far ahead of the newest signed time — it is not "
             "believed; time-of-day rules are off until it is set",
             (long long)clock_now);
  }
  c->clock_trusted = t.clock_trusted;
  if (!t.clock_trusted && clock_now < floor)
    log_warn("the clock is behind the last known time — time-of-day rules are off until it is set");

  if (c->store && !c->trust_problem[0]) {
    struct store_pack_info *info = NULL;
    size_t n = 0;
    struct kerr le;
    if (store_list(c->store, &info, &n, &le))
      log_error("%s", le.msg);
    for (size_t i = 0; i < n; i++) {
      if (!info[i].current)
        continue;
      char dir[2048];
      struct manifest *m = NULL;
      if (store_current_dir(c->store, info[i].id, dir, sizeof dir, &le) ||
          store_current_manifest(c->store, info[i].id, &m, &le)) {
        log_error("%s", le.msg);
        continue;
      }
      consider(c, dir, m, &t);
      manifest_free(m);
    }
    free(info);
  }
  for (size_t i = 0; i < p->n_pack_dirs; i++) {
    struct manifest *m = NULL;
    struct kerr me;
    if (deck_read_source(p->pack_dirs[i], &m, &me))
      log_error("%s — this pack is not shown", me.msg);
    else
      consider(c, p->pack_dirs[i], m, &t);
    manifest_free(m);
  }
  int rc = build_rotation(c, &t, e);
  if (rc) {
    deck_free(c->deck);
    c->deck = old;
    return rc;
  }
  deck_free(old);
  log_info("%zu page%s in the rotation", c->n_slots, c->n_slots == 1 ? "" : "s");
  return 0;
}

/* Loads the signing keys into c->trust. When they cannot be loaded the
 * set is empty and c->trust_problem says for staff what is wrong and what
 * to bring: installed packs are then not shown (fail closed). 0, 1 (a
 * problem, logged) or KERR_NOMEM. */
static int load_trust(struct content *c, const char *store_dir, const char *trusted)
{
  struct kerr te;
  kerr_clear(&te);
  c->trust_problem[0] = '\0';
  if (keyring_load_trust(store_dir, trusted, &c->trust, &te) == 0)
    return 0;
  if (te.code == KERR_NOMEM)
    return KERR_NOMEM;
  c->trust = sig_trust_new();
  if (!c->trust)
    return KERR_NOMEM;
  const char *bring;
  if (te.code == KERR_STORE)
    bring = "The kiosk's key records are damaged. Call support to repair the "
            "kiosk; a stick cannot fix this.";
  else if (strstr(te.msg, "no signing key is left"))
    bring = "Bring a USB stick with the newest keyring update (.kkeys) from "
            "the content team: it names the current signing key.";
  else
    bring = "The kiosk has no usable root key. Call support to copy the "
            "content team's root key (.pub) into the trusted-keys folder.";
  /* The cause only: its own advice (after the last " — ") would repeat
   * "bring". */
  char cause[sizeof te.msg];
  snprintf(cause, sizeof cause, "%s", te.msg);
  char *dash = NULL;
  for (char *d = strstr(cause, " — "); d; d = strstr(d + 1, " — "))
    dash = d;
  if (dash)
    *dash = '\0';
  for (size_t n = strlen(cause); n && (cause[n - 1] == '.' || cause[n - 1] == ' ');)
    cause[--n] = '\0';
  snprintf(c->trust_problem, sizeof c->trust_problem,
           "Installed content cannot be checked, so none is shown. %s (Cause: %s.)", bring, cause);
  log_error("%s — installed packs cannot be checked, so none is shown", te.msg);
  log_info("note for staff on the built-in page: %s", c->trust_problem);
  return 1;
}

int content_open(const struct config *cfg, const char *store_dir, const char *trusted,
                 const char *const *pack_dirs, size_t n_pack_dirs, int64_t clock_now,
                 struct content **out, struct kerr *e)
{
  *out = NULL;
  struct content_priv *p = calloc(1, sizeof *p);
  if (!p)
    return kerr_set(e, KERR_NOMEM, "out of memory");
  struct content *c = &p->pub;
  c->cfg = *cfg;
  p->store_dir = store_dir ? strdup(store_dir) : NULL;
  p->trusted = trusted ? strdup(trusted) : NULL;
  for (size_t i = 0; i < n_pack_dirs && i < CONTENT_MAX_DIRS; i++)
    p->pack_dirs[p->n_pack_dirs++] = strdup(pack_dirs[i]);
  if (store_dir) {
    /* The signing keys, as keyring updates in the store named them. */
    if (load_trust(c, store_dir, trusted) == KERR_NOMEM) {
      content_free(c);
      return kerr_set(e, KERR_NOMEM, "out of memory");
    }
    struct kerr te;
    if (store_open(store_dir, &c->store, &te)) {
      log_error("%s — showing no installed pack", te.msg);
      c->store = NULL;
    } else if (c->trust_problem[0]) {
      /* Nothing can be verified: show nothing rather than something unchecked. */
    } else {
      store_set_verifier(c->store, pack_check_meta, c->trust);
      int ok = store_check_quick_all(c->store);
      log_info("store %s: %d pack%s ready to show", store_dir, ok, ok == 1 ? "" : "s");
    }
  }
  int rc = build(p, clock_now, e);
  if (rc) {
    content_free(c);
    return rc;
  }
  *out = c;
  return 0;
}

int content_reload(struct content *c, int64_t clock_now, int recheck, struct kerr *e)
{
  struct content_priv *p = (struct content_priv *)c;
  if (c->store && recheck) {
    /* A keyring update may have changed which keys count. */
    struct sig_trust *old = c->trust;
    c->trust = NULL;
    int rc = load_trust(c, p->store_dir, p->trusted);
    if (rc == KERR_NOMEM) {
      c->trust = old;
      return kerr_set(e, rc, "out of memory");
    }
    if (c->trust_problem[0]) {
      /* Nothing from the store is shown; the background check keeps the
       * keys it had, so that it does not take every pack for damaged. */
      sig_trust_free(c->trust);
      c->trust = old;
    } else {
      store_set_verifier(c->store, pack_check_meta, c->trust);
      sig_trust_free(old);
      store_check_quick_all(c->store);
      store_mark_recheck_all(c->store);
      scrub_wake(p->scrub);
      struct kerr se;
      if (p->check_wanted && !p->scrub && scrub_start(&p->check, &p->scrub, &se))
        log_warn("%s — installed packs are checked only at start", se.msg);
      p->check_wanted = 0;
    }
  }
  return build(p, clock_now, e);
}

int content_start_check(struct content *c, uint64_t period_ms, void (*changed)(void *ctx),
                        void *ctx, struct kerr *e)
{
  struct content_priv *p = (struct content_priv *)c;
  if (!c->store || p->scrub)
    return 0;
  struct scrub_params sp = {c->store, period_ms, changed, ctx};
  if (c->trust_problem[0]) {
    p->check = sp;
    p->check_wanted = 1;
    return 0;
  }
  return scrub_start(&sp, &p->scrub, e);
}

void content_hold_check(struct content *c, int on)
{
  scrub_hold(((struct content_priv *)c)->scrub, on);
}

void content_free(struct content *c)
{
  if (!c)
    return;
  struct content_priv *p = (struct content_priv *)c;
  scrub_stop(p->scrub); /* before the store it reads goes */
  deck_free(c->deck);
  free(c->slots);
  store_close(c->store);
  sig_trust_free(c->trust);
  for (size_t i = 0; i < p->n_pack_dirs; i++)
    free(p->pack_dirs[i]);
  free(p->store_dir);
  free(p->trusted);
  free(p);
}
