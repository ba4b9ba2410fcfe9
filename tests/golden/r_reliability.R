# Cronbach's alpha by the textbook formula, computed independently in R (listwise deletion,
# sample variances): alpha = k/(k-1) * (1 - sum(var(item)) / var(total)); and alpha if item deleted.
# Run: Rscript tests/golden/r_reliability.R  (writes r_reliability_expected.csv)
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("--file=", "", args[grep("--file=", args)])))
d <- read.csv(file.path(here, "r_reliability_data.csv"))
d <- d[complete.cases(d), ]
alpha <- function(x) { k <- ncol(x); k / (k - 1) * (1 - sum(apply(x, 2, var)) / var(rowSums(x))) }
out <- data.frame(what = c("alpha", paste0("drop_", names(d)), "n"),
                  value = c(alpha(d), sapply(seq_along(d), function(j) alpha(d[, -j])), nrow(d)))
write.csv(out, file.path(here, "r_reliability_expected.csv"), row.names = FALSE)
