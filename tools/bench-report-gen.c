/* bench-report-gen.c — writes what a year of field visits brings home, for
 * the `kiosk-pack report` benchmark (tools/bench-report).
 *
 *   kiosk-bench-report-gen OUT SITES VISITS [HOURS_A_DAY [PAGE_SECONDS]]
 *
 * SITES kiosks in five countries show pages from 08:00 for HOURS_A_DAY
 * hours (default 10) every day of 2026, one page every PAGE_SECONDS
 * (default 15, the kiosk's default), in three languages, from three packs
 * whose versions change through the year. Each is visited VISITS times,
 * evenly through the year (a few days either way); each visit brings a
 * stick folder OUT/visit-NN/<country>/kiosk-logs/<site>/ with status.txt,
 * kiosk.log and the play log since ten days before the previous visit (so
 * that consecutive visits overlap, as when a kiosk keeps more than a month
 * of plays), exactly in the kiosk's formats. Now and then the kiosk
 * restarts, sometimes uncleanly, and logs a warning. Deterministic: the
 * same arguments give the same files. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define DAY 86400
#define YEAR_START INT64_C(1767225600) /* 2026-01-01T00:00:00Z */

static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(uint32_t n)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng % n);
}

static int mkdirs(const char *path)
{
  char buf[4096];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
      return -1;
    *p = '/';
  }
  return mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* iso: "2026-01-01T08:00:00Z" (play log); else "2026-01-01 08:00:00"
 * (kiosk log), with " UTC" when utc (status). */
static void stamp(int64_t t, char *buf, size_t cap, int iso, int utc)
{
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  snprintf(buf, cap, "%04d-%02d-%02d%c%02d:%02d:%02d%s", tm.tm_year + 1900, tm.tm_mon + 1,
           tm.tm_mday, iso ? 'T' : ' ', tm.tm_hour, tm.tm_min, tm.tm_sec,
           iso       ? "Z"
               : utc ? " UTC"
                     : "");
}

static const char *const countries[] = {"KZ", "KG", "TJ", "UZ", "TM"};
static const char *const local_lang[] = {"kk", "ky", "tg", "uz", "tk"};
static const char *const bulletin_pages[] = {"cover", "statistics", "hotlines", "returning-home",
                                             "rights"};
static const char *const migration_pages[] = {"before-you-go", "contracts", "documents", "help"};

/* The versions current on a day of the year. */
static unsigned bulletin_version(int day)
{
  return 1 + (unsigned)day / 31;
}
static unsigned migration_version(int day)
{
  return day < 180 ? 1 : 2;
}

int main(int argc, char **argv)
{
  if (argc < 4) {
    fprintf(stderr, "usage: %s OUT SITES VISITS [HOURS_A_DAY [PAGE_SECONDS]]\n", argv[0]);
    return 2;
  }
  const char *out = argv[1];
  int sites = atoi(argv[2]), visits = atoi(argv[3]);
  int hours = argc > 4 ? atoi(argv[4]) : 10;
  int page_s = argc > 5 ? atoi(argv[5]) : 15;
  if (sites < 1 || visits < 1 || hours < 1 || hours > 16 || page_s < 3) {
    fprintf(stderr, "%s: bad numbers\n", argv[0]);
    return 2;
  }
  uint64_t lines = 0, bytes = 0;
  char *buf = malloc(1 << 20);
  if (!buf)
    return 2;
  for (int s = 0; s < sites; s++) {
    int c = s % 5;
    char site[32];
    snprintf(site, sizeof site, "post-%03d", s + 1);
    const char *langs[3] = {"ru", local_lang[c], "en"};
    int prev_day = 0;
    for (int v = 1; v <= visits; v++) {
      int vday = 365 * v / visits - 3 + (int)rnd(6);
      if (vday > 364)
        vday = 364;
      int64_t vtime = YEAR_START + (int64_t)vday * DAY + 10 * 3600 + rnd(3600);
      char dir[4096];
      snprintf(dir, sizeof dir, "%s/visit-%02d/%s/kiosk-logs/%s", out, v, countries[c], site);
      if (mkdirs(dir)) {
        fprintf(stderr, "%s: %s\n", dir, strerror(errno));
        return 1;
      }
      char path[4200];
      /* the play log: from ten days before the previous visit */
      snprintf(path, sizeof path, "%s/playlog.csv", dir);
      FILE *f = fopen(path, "w");
      if (!f)
        return 1;
      setvbuf(f, buf, _IOFBF, 1 << 20);
      fputs("time,pack_id,version,page,lang,seconds_shown\n", f);
      int from = prev_day > 10 ? prev_day - 10 : 0;
      unsigned n = 0;
      for (int d = from; d <= vday; d++) {
        int64_t t = YEAR_START + (int64_t)d * DAY + 8 * 3600;
        int64_t end = t + (int64_t)hours * 3600;
        if (d == vday && end > vtime)
          end = vtime;
        for (; t < end; t += page_s, n++) {
          /* what is shown depends on the time only, as in a kiosk whose
           * rotation runs on: copies of the same day agree */
          unsigned slot = (unsigned)((t - YEAR_START) / page_s);
          char ts[32];
          stamp(t, ts, sizeof ts, 1, 0);
          const char *lang = langs[slot % 3];
          unsigned k = slot / 3 % 11;
          if (k < 5)
            fprintf(f, "%s,bulletin,%u,%s,%s,%d.0\n", ts, bulletin_version(d), bulletin_pages[k],
                    lang, page_s);
          else if (k < 9)
            fprintf(f, "%s,safe-migration,%u,%s,%s,%d.0\n", ts, migration_version(d),
                    migration_pages[k - 5], lang, page_s);
          else
            fprintf(f, "%s,hotlines-central-asia,1,%s,%s,%d.0\n", ts,
                    k == 9 ? "numbers" : "whatsapp", lang, page_s);
          lines++;
        }
      }
      bytes += (uint64_t)ftell(f);
      fclose(f);

      /* the kiosk log: starts, stops, now and then a warning */
      snprintf(path, sizeof path, "%s/kiosk.log", dir);
      f = fopen(path, "w");
      if (!f)
        return 1;
      for (int d = from; d <= vday; d++) {
        char ts[32];
        if (rnd(20) == 0) {
          stamp(YEAR_START + (int64_t)d * DAY + 7 * 3600, ts, sizeof ts, 0, 0);
          if (rnd(3))
            fprintf(f, "%s info  stopping on request\n", ts);
          stamp(YEAR_START + (int64_t)d * DAY + 7 * 3600 + 40, ts, sizeof ts, 0, 0);
          fprintf(f,
                  "%s info  store /var/lib/kiosk/store: 3 packs ready to "
                  "show\n%s info  first page shown after 812 ms\n",
                  ts, ts);
        }
        if (rnd(30) == 0) {
          stamp(YEAR_START + (int64_t)d * DAY + 12 * 3600, ts, sizeof ts, 0, 0);
          fprintf(f,
                  "%s warn  play log: could not add to the play log: no "
                  "space left on device\n",
                  ts);
        }
      }
      fclose(f);

      /* status.txt, as fieldlog.c writes it */
      snprintf(path, sizeof path, "%s/status.txt", dir);
      f = fopen(path, "w");
      if (!f)
        return 1;
      char ts[40];
      stamp(vtime, ts, sizeof ts, 0, 1);
      fprintf(f, "Kiosk status, written %s (by the kiosk's clock)\n\n", ts);
      fprintf(f,
              "Site:        %s (Border post %d)\nCountry:     %s\n"
              "Software:    kiosk 0.1.0\nFormat:      1\n"
              "Uptime:      %d days 2 h 5 min\nClock:       clock OK\n"
              "             kiosk clock %s, last known time %s\n"
              "Free space:  5.1 GiB on the pack store (/var/lib/kiosk/store)\n\n",
              site, s + 1, countries[c], (int)rnd(30), ts, ts);
      /* a site now and then runs a month behind */
      int lag = s % 7 == 3 ? 31 : 0;
      unsigned bv = bulletin_version(vday > lag ? vday - lag : 0);
      fprintf(f,
              "Installed packs: 3\n"
              "  bulletin: version %u (previous %u) \"Bulletin\" (expires "
              "2027-01-31 00:00:00 UTC)\n"
              "  hotlines-central-asia: version 1 \"Hotlines\"\n"
              "  safe-migration: version %u \"Safe migration\"\n\n"
              "Play log: %u lines in playlog.csv (0 damaged lines left out)\n\n"
              "Recent problems (the last 20 errors and warnings in the kiosk "
              "log):\n  none\n",
              bv, bv > 1 ? bv - 1 : 0, migration_version(vday), n);
      fclose(f);
      prev_day = vday;
    }
  }
  free(buf);
  printf("%" PRIu64 " play lines, %.1f MB of play logs\n", lines, (double)bytes / 1e6);
  return 0;
}
