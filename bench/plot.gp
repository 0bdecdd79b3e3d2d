# plot.gp -- gnuplot script for bench/plot.py (which sets kind, dat, out,
# ttl and ncols). kind = 'latency': one line per contender across the
# percentiles; kind = 'throughput': clustered bars per contender.
set terminal pngcairo size 1000,600 font ",10" noenhanced
set output out
set title ttl
set key outside right top
set grid ytics mytics
set logscale y
# Twelve distinct colours (gnuplot's default cycle repeats after eight).
array C[12] = ["#9400d3", "#009e73", "#56b4e9", "#e69f00", "#f0e442", "#0072b2", \
               "#e51e10", "#000000", "#a0522d", "#ff69b4", "#708090", "#2e8b57"]
do for [i=1:12] { set linetype i lc rgb C[i] lw 2 pt (i % 7) + 4 }
if (kind eq 'latency') {
  set ylabel "ns per call (log scale)"
  set xlabel "percentile"
  set xrange [-0.3:4.3]
  plot for [c=2:ncols+1] dat using 0:c:xtic(1) title columnhead(c) with linespoints
} else {
  set ylabel "records/s (log scale)"
  set style data histograms
  set style histogram clustered gap 1
  set style fill solid 0.8 border -1
  set xtics rotate by -30
  set yrange [1e4:*]
  plot for [c=2:ncols+1] dat using c:xtic(1) title columnhead(c)
}
