/* diagrec.h - the diagnostics of the last build, said again when nothing changed (prefix diagrec_).
 *
 * `almanac build` stops early when the output folder was built from the same
 * inputs (its fingerprint, site.h). The warnings and errors of that build are
 * still true, and a writer who runs the build again must see them again, not
 * a clean "up to date". A successful build records its diagnostics with its
 * fingerprint in `<dir>/build-diagnostics` (Almanac's folder in the hub's Git
 * directory, never the work tree or the site); the early stop happens only
 * when that record is there, whole, for the same fingerprint, and its
 * diagnostics are printed as the build printed them. Otherwise the site is
 * built again. The file keeps the records of the last DIAGREC_KEEP builds
 * with different inputs (other output folders, other options: `build` and
 * `build --no-git-dates` taking turns each stay up to date). Records whose
 * diagnostics are the same share one copy of them, a file of its own
 * (`<dir>/build-diagnostics.<digest>`, named by a 128-bit digest of the list):
 * a commit that changes no warning adds no copy, and writes only the small
 * records file (19,000 warnings on the bench's large hub are 5 MB, read and
 * written by every build before). A list no record names is removed.
 *
 * Each file is histfile.h's framing (magic, version, payload length,
 * payload, checksum); a damaged or foreign file is not read. */
#ifndef ALMANAC_DIAGREC_H
#define ALMANAC_DIAGREC_H

#include "diag.h"

/* Records kept in the file, one per fingerprint, the newest first. */
#define DIAGREC_KEEP 8

/* Record the diagnostics `d` of the build whose fingerprint is `fingerprint`
 * in `<dir>/build-diagnostics` (the folder made when missing). 0, or -1 when
 * it cannot be written (a record already there is of other inputs, or of
 * these, whose diagnostics are the same). */
int diagrec_save(const char *dir, const char *fingerprint, const diag_list_t *d);

/* Append to `d` the diagnostics recorded for `fingerprint` in `dir`: 0, or -1
 * (nothing appended) when there is no whole record for that fingerprint (a
 * damaged file has none). */
int diagrec_load(const char *dir, const char *fingerprint, diag_list_t *d);

#endif
