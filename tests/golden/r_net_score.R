# Golden values for report.decisions.net_score (NPS-style net score: % promoters − % detractors as the
# design-based mean of +1/0/−1), from R's survey package on tests/golden/r_indicators_data.csv.
#     Rscript tests/golden/r_net_score.R
# 5-point item: OV (1 = 非常满意 … 5), promoters OV == 1, detractors OV >= 3.
# 0–10 item: x10 = max(0, (6 − OV)·2 − 2·(support == 3) − (aware == 2)), promoters x10 >= 9, detractors x10 <= 6.
suppressMessages(library(survey))
options(survey.lonely.psu = "fail")
d <- read.csv("tests/golden/r_indicators_data.csv")
d$x10 <- pmax(0, (6 - d$OV) * 2 - 2 * as.numeric(d$support == 3) - as.numeric(d$aware == 2))
d$net5 <- as.numeric(d$OV == 1) - as.numeric(d$OV >= 3)
d$pro5 <- as.numeric(d$OV == 1)
d$net10 <- as.numeric(d$x10 >= 9) - as.numeric(d$x10 <= 6)
d$det10 <- as.numeric(d$x10 <= 6)
des <- svydesign(ids = ~psu, strata = ~st, weights = ~w, nest = TRUE, data = d)
sub <- subset(des, !is.na(OV))
out <- list()
put <- function(case, qty, value, call) out[[length(out) + 1]] <<- data.frame(case = case, quantity = qty,
                                                                            value = sprintf("%.17g", value), r_call = call)
for (v in c("net5", "net10")) {
  m <- svymean(as.formula(paste0("~", v)), sub)
  ci <- confint(m, df = degf(sub))
  call <- sprintf("svymean(~%s, subset(des, !is.na(OV))); confint(df=degf)", v)
  put(v, "estimate", coef(m), call); put(v, "se", SE(m), call)
  put(v, "ci_low", ci[1], call); put(v, "ci_high", ci[2], call)
}
p <- svyciprop(~pro5, sub, method = "logit")
put("pro5", "estimate", coef(p), "svyciprop(~pro5, subset(des, !is.na(OV)), method='logit')")
put("pro5", "ci_low", attr(p, "ci")[1], "svyciprop logit"); put("pro5", "ci_high", attr(p, "ci")[2], "svyciprop logit")
p <- svyciprop(~det10, sub, method = "logit")
put("det10", "estimate", coef(p), "svyciprop(~det10, subset(des, !is.na(OV)), method='logit')")
put("det10", "ci_low", attr(p, "ci")[1], "svyciprop logit"); put("det10", "ci_high", attr(p, "ci")[2], "svyciprop logit")
write.csv(do.call(rbind, out), "tests/golden/r_net_score_expected.csv", row.names = FALSE)
