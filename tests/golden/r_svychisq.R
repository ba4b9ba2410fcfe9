# Golden values for minyi's tests of independence in cross-tabs (analysis/crosstab.py): R's svychisq
# with statistic "F" (Rao–Scott second order), "Chisq" (first order), "Wald" and "adjWald", on a
# one-stage cluster design (apiclus1, with missing answers), a stratified design (apistrat), a
# two-stage design (apiclus2), a post-stratified design and a replicate-weight design (JK1).
# Run from the repository root:  Rscript tests/golden/r_svychisq.R
# Writes tests/golden/r_svychisq_<data>.csv and tests/golden/r_svychisq_expected.csv. CI does not run R.
suppressMessages(library(survey))
data(api)
options(survey.lonely.psu = "fail")

c1 <- apiclus1[, c("cds", "dnum", "stype", "awards", "sch.wide", "both", "comp.imp", "pw", "fpc")]
c1$comp.imp[c(5, 17, 90)] <- NA   # missing answers leave the table
st <- apistrat[, c("cds", "stype", "awards", "sch.wide", "comp.imp", "pw", "fpc")]
c2 <- apiclus2[, c("cds", "dnum", "snum", "stype", "awards", "sch.wide", "fpc1", "fpc2")]
write.csv(c1, "tests/golden/r_svychisq_apiclus1.csv", row.names = FALSE)
write.csv(st, "tests/golden/r_svychisq_apistrat.csv", row.names = FALSE)
write.csv(c2, "tests/golden/r_svychisq_apiclus2.csv", row.names = FALSE)

out <- list()
add <- function(case, quantity, value, call) {
  out[[length(out) + 1]] <<- data.frame(case = case, quantity = quantity, value = sprintf("%.17g", value), r_call = call)
}
tests <- function(case, formula, des, pre) {
  for (s in c("F", "Chisq", "Wald", "adjWald")) {
    call <- paste0(pre, "svychisq(", formula, ", des, statistic='", s, "')")
    t <- tryCatch(svychisq(as.formula(formula), des, statistic = s), error = function(e) {
      if (!grepl("computationally singular", conditionMessage(e))) stop(e)
      NULL
    })
    if (is.null(t)) {  # R stops: "system is computationally singular"; minyi gives no test (NaN)
      add(case, paste0(s, "|singular"), 1, call)
      next
    }
    add(case, paste0(s, "|statistic"), t$statistic, call)
    add(case, paste0(s, "|p"), t$p.value, call)
    if (length(t$parameter) == 2) {
      add(case, paste0(s, "|df1"), t$parameter[1], call)
      add(case, paste0(s, "|df2"), t$parameter[2], call)
    } else add(case, paste0(s, "|df"), t$parameter[1], call)
  }
}

pre <- "des <- svydesign(ids=~dnum, weights=~pw, fpc=~fpc, data=c1); "
dclus1 <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = c1)
tests("clus1_stype_awards", "~stype+awards", dclus1, pre)
tests("clus1_stype_compimp", "~stype+comp.imp", dclus1, pre)
tests("clus1_both_schwide", "~both+sch.wide", dclus1, pre)
pre <- "des <- svydesign(ids=~1, strata=~stype, weights=~pw, fpc=~fpc, data=st); "
dstrat <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = st)
tests("strat_schwide_compimp", "~sch.wide+comp.imp", dstrat, pre)
tests("strat_stype_awards", "~stype+awards", dstrat, pre)
pre <- "des <- svydesign(ids=~dnum+snum, fpc=~fpc1+fpc2, data=c2); "
dclus2 <- svydesign(ids = ~dnum + snum, fpc = ~fpc1 + fpc2, data = c2)
tests("clus2_stype_awards", "~stype+awards", dclus2, pre)
ps <- postStratify(dclus1, ~stype, data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018)))
tests("poststrat_stype_awards", "~stype+awards", ps,
      "des <- postStratify(svydesign(ids=~dnum, weights=~pw, fpc=~fpc, data=c1), ~stype, data.frame(stype=c('E','H','M'), Freq=c(4421,755,1018))); ")
tests("jk1_stype_awards", "~stype+awards", as.svrepdesign(dclus1),
      "des <- as.svrepdesign(svydesign(ids=~dnum, weights=~pw, fpc=~fpc, data=c1)); ")

# sparse tables: R's solve() stops where the design-effect matrix (Rao–Scott) or the covariance of the
# cells (Wald) is computationally singular, and computes the tests where it is not
set.seed(20261205)
sp <- data.frame(a = sample(1:30, 700, TRUE), b = sample(1:12, 700, TRUE), w = 1)   # 52 empty cells
few <- data.frame(a = sample(1:5, 60, TRUE), b = sample(1:5, 60, TRUE), w = 1)      # 3 empty cells
cl <- data.frame(psu = rep(1:10, each = 30), a = sample(1:5, 300, TRUE), b = sample(1:5, 300, TRUE), w = 1)
write.csv(sp, "tests/golden/r_svychisq_sparse.csv", row.names = FALSE)
write.csv(few, "tests/golden/r_svychisq_few.csv", row.names = FALSE)
write.csv(cl, "tests/golden/r_svychisq_fewpsu.csv", row.names = FALSE)
for (d in c("sp", "few", "cl")) {
  x <- get(d); x$a <- factor(x$a); x$b <- factor(x$b); assign(d, x)
}
tests("sparse_srs", "~a+b", svydesign(ids = ~1, weights = ~w, data = sp),
      "des <- svydesign(ids=~1, weights=~w, data=sp); ")
tests("few_srs", "~a+b", svydesign(ids = ~1, weights = ~w, data = few),
      "des <- svydesign(ids=~1, weights=~w, data=few); ")
tests("fewpsu_clus", "~a+b", svydesign(ids = ~psu, weights = ~w, data = cl),
      "des <- svydesign(ids=~psu, weights=~w, data=cl); ")

res <- do.call(rbind, out)
write.csv(res, "tests/golden/r_svychisq_expected.csv", row.names = FALSE)
