#!/usr/bin/env node
// @node-rs/jieba driver for the segmentation benchmark (bench/run-seg.sh).
//
// Usage:
//   node nodejieba_bench.js time PASSES FILE MODE...   time each mode
//   node nodejieba_bench.js dump FILE MODE             print FILE segmented
//
// MODE is one of:
//   hmm     jieba.cut(line, true)           precise mode, HMM on
//   nohmm   jieba.cut(line, false)          precise mode, HMM off
//   search  jieba.cutForSearch(line, true)  search mode, HMM on
//
// FILE is cut line by line (JS strings, the binding's usual input); the line
// terminator (LF or CR LF) is not part of the line. `time` prints the time
// Jieba.withDict() took (the dictionary bytes are read by requiring
// '@node-rs/jieba/dict', before that), then for each mode PASSES lines, one
// per timed pass over the whole of FILE:
//
//   LOAD node-rs-jieba MILLISECONDS
//   RESULT node-rs-jieba MODE BYTES TOKENS SECONDS CPU_SECONDS
//
// with the same meaning as in jieba_bench.py: only the cutting is timed,
// after the dictionary is loaded and a short warm-up; CPU_SECONDS is the CPU
// time of the whole process meanwhile (garbage-collector threads included). `dump` prints each
// line's tokens separated by one space, whitespace tokens left out.
//
// The package is found through NODE_PATH (run-seg.sh points it at the
// node_modules it installed under the build directory).
'use strict'

const fs = require('fs')
const { Jieba } = require('@node-rs/jieba')
const { dict } = require('@node-rs/jieba/dict')

// Lines cut, untimed, before each timed pass.
const WARMUP_LINES = 500

function cutter(jieba, mode) {
  switch (mode) {
    case 'hmm':
      return (s) => jieba.cut(s, true)
    case 'nohmm':
      return (s) => jieba.cut(s, false)
    case 'search':
      return (s) => jieba.cutForSearch(s, true)
    default:
      console.error(`nodejieba_bench.js: unknown mode ${mode}`)
      process.exit(2)
  }
}

function readLines(path) {
  const data = fs.readFileSync(path)
  const lines = data.toString('utf8').split('\n')
  if (lines.length && lines[lines.length - 1] === '') lines.pop()
  return {
    lines: lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)),
    nbytes: data.length,
  }
}

// Cut every line with `mode`, `passes` times; print a RESULT line per pass.
function timeMode(jieba, mode, passes, lines, nbytes) {
  const cut = cutter(jieba, mode)
  for (const line of lines.slice(0, WARMUP_LINES)) cut(line)
  for (let p = 0; p < passes; p++) {
    let ntokens = 0
    const t0 = process.hrtime.bigint()
    const c0 = process.cpuUsage()
    for (const line of lines) {
      // Each call returns a new array of JS strings: the tokens materialised.
      ntokens += cut(line).length
    }
    const secs = Number(process.hrtime.bigint() - t0) / 1e9
    const c = process.cpuUsage(c0)
    const cpu = (c.user + c.system) / 1e6
    console.log(
      `RESULT node-rs-jieba ${mode} ${nbytes} ${ntokens} ` +
        `${secs.toFixed(6)} ${cpu.toFixed(6)}`,
    )
  }
}

function main(argv) {
  const timing =
    argv.length >= 4 && argv[0] === 'time' && /^\d+$/.test(argv[1])
  if (!timing && (argv.length !== 3 || argv[0] !== 'dump')) {
    console.error(
      'usage: nodejieba_bench.js time PASSES FILE MODE...\n' +
        '       nodejieba_bench.js dump FILE MODE',
    )
    process.exit(2)
  }
  const t0 = process.hrtime.bigint()
  const jieba = Jieba.withDict(dict)
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6
  if (timing) {
    const { lines, nbytes } = readLines(argv[2])
    console.log(`LOAD node-rs-jieba ${loadMs.toFixed(3)}`)
    for (const mode of argv.slice(3)) {
      timeMode(jieba, mode, Number(argv[1]), lines, nbytes)
    }
  } else {
    const { lines } = readLines(argv[1])
    const cut = cutter(jieba, argv[2])
    const out = []
    for (const line of lines) {
      out.push(cut(line).filter((t) => t.trim() !== '').join(' '))
    }
    fs.writeSync(1, out.join('\n') + '\n')
  }
}

main(process.argv.slice(2))
