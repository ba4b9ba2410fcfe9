# Golden values for minyi's cross-tabs (analysis/crosstab.py), produced by R's survey package.
# Run from the repository root:  Rscript tests/golden/r_crosstab.R
# Writes tests/golden/r_crosstab_data.csv (the data) and tests/golden/r_crosstab_expected.csv
# (one row per value: case, quantity, value, and the R call that produced it). CI does not run R.
suppressMessages(library(survey))
options(survey.lonely.psu = "fail")
set.seed(20261125)
n_h <- c(5, 6, 7, 6)          # PSUs sampled per stratum
N_h <- c(25, 30, 40, 24)      # PSUs in the population per stratum
rows <- list()
for (h in 1:4) for (j in 1:n_h[h]) {
  m <- sample(6:14, 1)
  rows[[length(rows) + 1]] <- data.frame(st = h, psu = j, Npsu = N_h[h], m = m, u = rnorm(1))
}
clus <- do.call(rbind, rows)
d <- clus[rep(seq_len(nrow(clus)), clus$m), ]
n <- nrow(d)
d$psu_id <- paste0(d$st, "-", d$psu)
d$w <- round(runif(n, 4, 30), 3)
# row variable: 3 regions, depending on stratum and cluster
d$ra <- c("east", "north", "west")[1 + (d$st + d$psu + sample(0:1, n, replace = TRUE, prob = c(0.8, 0.2))) %% 3]
# column variable: 4 answers, associated with ra and the cluster effect
lin <- 0.6 * (d$ra == "east") - 0.4 * (d$ra == "west") + 0.8 * d$u + rnorm(n, 0, 1)
d$cb <- cut(lin, c(-Inf, -0.8, 0.1, 0.9, Inf), labels = c("v1", "v2", "v3", "v4"))
d$cb <- as.character(d$cb)
d$cb[sample(n, 12)] <- NA                         # item non-response
d$bin <- ifelse(runif(n) < plogis(0.3 * (d$ra == "north") + 0.5 * d$u), "yes", "no")
d$site <- ifelse(d$psu %% 2 == 0, "s1", "s2")     # a domain made of whole PSUs
d$Nunits <- ave(d$st, d$st, FUN = length) * c(10, 14, 8, 20)[d$st]
d$wunit <- d$Nunits / ave(d$st, d$st, FUN = length)
d$m <- NULL; d$u <- NULL
write.csv(d, "tests/golden/r_crosstab_data.csv", row.names = FALSE, na = "")

designs <- list(
  strat_fpc = list(call = "svydesign(ids=~1, strata=~st, weights=~wunit, fpc=~Nunits, data=d)",
                   des = svydesign(ids = ~1, strata = ~st, weights = ~wunit, fpc = ~Nunits, data = d)),
  clus1 = list(call = "svydesign(ids=~psu_id, weights=~w, data=d)",
               des = svydesign(ids = ~psu_id, weights = ~w, data = d)),
  clus1_fpc = list(call = "svydesign(ids=~psu_id, weights=~w, fpc=~I(rep(150, nrow(d))), data=d)",
                   des = svydesign(ids = ~psu_id, weights = ~w, fpc = ~I(rep(150, nrow(d))), data = d)),
  strat_clus = list(call = "svydesign(ids=~psu, strata=~st, weights=~w, nest=TRUE, data=d)",
                    des = svydesign(ids = ~psu, strata = ~st, weights = ~w, nest = TRUE, data = d)),
  strat_clus_fpc = list(call = "svydesign(ids=~psu, strata=~st, weights=~w, fpc=~Npsu, nest=TRUE, data=d)",
                        des = svydesign(ids = ~psu, strata = ~st, weights = ~w, fpc = ~Npsu, nest = TRUE, data = d)),
  srs_w = list(call = "svydesign(ids=~1, weights=~w, data=d)",
               des = svydesign(ids = ~1, weights = ~w, data = d)),
  srs_noweights = list(call = "svydesign(ids=~1, data=d)",
                       des = suppressWarnings(svydesign(ids = ~1, data = d)))
)
out <- list()
add <- function(case, quantity, value, call) {
  out[[length(out) + 1]] <<- data.frame(case = case, quantity = quantity, value = sprintf("%.17g", value), r_call = call)
}
chisq_values <- function(case, tag, fml, des, call) {
  f <- svychisq(fml, des, statistic = "F")
  add(case, paste0(tag, "_F"), f$statistic, paste0("svychisq(", call, ", statistic='F')$statistic"))
  add(case, paste0(tag, "_df1"), f$parameter[1], paste0("svychisq(", call, ", statistic='F')$parameter['ndf']"))
  add(case, paste0(tag, "_df2"), f$parameter[2], paste0("svychisq(", call, ", statistic='F')$parameter['ddf']"))
  add(case, paste0(tag, "_p"), f$p.value, paste0("svychisq(", call, ", statistic='F')$p.value"))
  ch <- svychisq(fml, des, statistic = "Chisq")
  add(case, paste0(tag, "_X2"), ch$statistic, paste0("svychisq(", call, ", statistic='Chisq')$statistic"))
  add(case, paste0(tag, "_chisq_df"), ch$parameter[1], paste0("svychisq(", call, ", statistic='Chisq')$parameter"))
  add(case, paste0(tag, "_chisq_p"), ch$p.value, paste0("svychisq(", call, ", statistic='Chisq')$p.value"))
}
rlev <- sort(unique(d$ra)); clev <- sort(unique(na.omit(d$cb)))
for (nm in names(designs)) {
  des <- designs[[nm]]$des; dc <- designs[[nm]]$call
  chisq_values(nm, "rs", ~ra + cb, des, "~ra+cb, des")
  chisq_values(nm, "rs2x2", ~site + bin, des, "~site+bin, des")
  sub <- subset(des, site == "s1")
  chisq_values(nm, "dom_s1_rs", ~ra + cb, sub, "~ra+cb, subset(des, site=='s1')")
  # cell proportions of the table (rows with cb missing leave the base)
  cells <- svymean(~interaction(ra, cb), des, na.rm = TRUE, deff = TRUE)
  valid <- subset(des, !is.na(cb))
  add(nm, "valid_degf", degf(valid), "degf(subset(des, !is.na(cb)))")
  for (r in rlev) for (cc in clev) {
    key <- paste0("cell_", r, "_", cc)
    nmc <- paste0("interaction(ra, cb)", r, ".", cc)
    add(nm, key, coef(cells)[nmc], "svymean(~interaction(ra, cb), des, na.rm=TRUE, deff=TRUE)")
    add(nm, paste0(key, "_se"), SE(cells)[nmc], "svymean(~interaction(ra, cb), des, na.rm=TRUE, deff=TRUE)")
    if (nm != "srs_noweights") add(nm, paste0(key, "_deff"), deff(cells)[nmc], "svymean(~interaction(ra, cb), des, na.rm=TRUE, deff=TRUE)")
    for (meth in c("logit", "beta", "mean", "xlogit")) {
      cl <- paste0("svyciprop(~I(ra=='", r, "' & cb=='", cc, "'), subset(des, !is.na(cb)), method='", meth, "')")
      p <- eval(parse(text = paste0("svyciprop(~I(ra=='", r, "' & cb=='", cc, "'), valid, method='", meth, "')")))
      add(nm, paste0(key, "_", meth, "_ci_low"), attr(p, "ci")[1], cl)
      add(nm, paste0(key, "_", meth, "_ci_high"), attr(p, "ci")[2], cl)
    }
  }
  # row shares: distribution of cb within each ra (R svyby(~cb, ~ra, svymean)); column shares likewise
  rs <- svyby(~cb, ~ra, des, svymean, na.rm = TRUE, deff = TRUE)
  cs <- svyby(~ra, ~cb, des, svymean, na.rm = TRUE, deff = TRUE)
  for (r in rlev) {
    sub <- subset(des, ra == r & !is.na(cb))
    add(nm, paste0("row_", r, "_degf"), degf(sub), paste0("degf(subset(des, ra=='", r, "' & !is.na(cb)))"))
    for (cc in clev) {
      key <- paste0("row_", r, "_", cc)
      add(nm, key, rs[r, paste0("cb", cc)], "svyby(~cb, ~ra, des, svymean, na.rm=TRUE)")
      add(nm, paste0(key, "_se"), rs[r, paste0("se.cb", cc)], "svyby(~cb, ~ra, des, svymean, na.rm=TRUE)")
      for (meth in c("logit", "beta", "mean")) {
        cl <- paste0("svyciprop(~I(cb=='", cc, "'), subset(des, ra=='", r, "' & !is.na(cb)), method='", meth, "')")
        p <- eval(parse(text = paste0("svyciprop(~I(cb=='", cc, "'), sub, method='", meth, "')")))
        add(nm, paste0(key, "_", meth, "_ci_low"), attr(p, "ci")[1], cl)
        add(nm, paste0(key, "_", meth, "_ci_high"), attr(p, "ci")[2], cl)
      }
    }
  }
  for (cc in clev) for (r in rlev) {
    key <- paste0("col_", r, "_", cc)
    add(nm, key, cs[cc, paste0("ra", r)], "svyby(~ra, ~cb, des, svymean, na.rm=TRUE)")
    add(nm, paste0(key, "_se"), cs[cc, paste0("se.ra", r)], "svyby(~ra, ~cb, des, svymean, na.rm=TRUE)")
  }
}
res <- do.call(rbind, out)
write.csv(res, "tests/golden/r_crosstab_expected.csv", row.names = FALSE)
cat("wrote", nrow(res), "golden values\n")
