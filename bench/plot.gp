# plot.gp -- gnuplot script for bench/plot.py (which sets kind, dat, out,
# ttl and ncols). kind = 'latency': one line per contender across the
# percentiles; kind = 'throughput': clustered bars per contender.
set terminal pngcairo size 1000,600 font ",10" noenhanced
set output out
set title ttl
set key outside right top
set grid ytics mytics
set logscale y
if (kind eq 'latency') {
  set ylabel "ns per call (log scale)"
  set xlabel "percentile"
  set xrange [-0.3:4.3]
  plot for [c=2:ncols+1] dat using 0:c:xtic(1) title columnhead(c) with linespoints lw 2 pt 7
} else {
  set ylabel "records/s (log scale)"
  set style data histograms
  set style histogram clustered gap 1
  set style fill solid 0.8 border -1
  set xtics rotate by -30
  set yrange [1e4:*]
  plot for [c=2:ncols+1] dat using c:xtic(1) title columnhead(c)
}
