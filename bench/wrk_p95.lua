-- Printed by wrk when the run ends: the latency percentiles wrk's --latency leaves out (95th).
done = function(summary, latency, requests)
  io.write(string.format("p95 latency: %.3f ms\n", latency:percentile(95) / 1000))
end
