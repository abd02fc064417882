// Preloaded into a measured process (node --require bench/report-rss.cjs ...): on exit it writes
// its own peak RSS, process.resourceUsage().maxRSS (kilobytes), as one line on stderr.
process.on('exit', () => process.stderr.write(`\nmaxRSS-kB ${process.resourceUsage().maxRSS}\n`));
