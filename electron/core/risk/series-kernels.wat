;; The risk book's two hot loops in WebAssembly, two days per instruction (f64x2 SIMD): a
;; holding's move added to its portfolio's P&L series, and the two passes of sums, wealth and
;; central moments behind every return figure. JavaScript has no SIMD and V8 checks each typed-array
;; access; here the P&L update runs ~3x and the summary ~2x faster (docs/performance.md).
;;
;; Each kernel does the same floating-point operations, in the same order, as the scalar code it
;; replaced (which summed each total in two chains, even and odd days): lane 0 is the even days'
;; chain and lane 1 the odd days', added together last. So the figures are bit for bit what they
;; were; series-memory.test.ts holds them to a scalar reference.
;;
;; Series live in the memory the host passes in (see series-memory.ts); pointers are byte offsets,
;; lengths are counts of doubles. Assembled by scripts/build-kernels.mjs (wabt) into
;; series-kernels.generated.ts at install and before every build and test.
(module
  (import "host" "memory" (memory 1))

  ;; pnl[k] += x * a[k] for k in [0, n).
  (func (export "add_returns") (param $pnl i32) (param $a i32) (param $x f64) (param $n i32)
    (local $end i32) (local $vx v128)
    (local.set $vx (f64x2.splat (local.get $x)))
    (local.set $end (i32.add (local.get $pnl) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $pnl) (local.get $end)))
        (v128.store (local.get $pnl)
          (f64x2.add (v128.load (local.get $pnl)) (f64x2.mul (local.get $vx) (v128.load (local.get $a)))))
        (local.set $pnl (i32.add (local.get $pnl) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br $pairs)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (f64.store (local.get $pnl)
          (f64.add (f64.load (local.get $pnl)) (f64.mul (local.get $x) (f64.load (local.get $a))))))))

  ;; pnl[k] += x * a[k] + y * b[k] for k in [0, n): two holdings in one pass over pnl.
  (func (export "add_two_returns") (param $pnl i32) (param $a i32) (param $x f64) (param $b i32) (param $y f64) (param $n i32)
    (local $end i32) (local $vx v128) (local $vy v128)
    (local.set $vx (f64x2.splat (local.get $x)))
    (local.set $vy (f64x2.splat (local.get $y)))
    (local.set $end (i32.add (local.get $pnl) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $pnl) (local.get $end)))
        (v128.store (local.get $pnl)
          (f64x2.add (v128.load (local.get $pnl))
            (f64x2.add (f64x2.mul (local.get $vx) (v128.load (local.get $a)))
                       (f64x2.mul (local.get $vy) (v128.load (local.get $b))))))
        (local.set $pnl (i32.add (local.get $pnl) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $pairs)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (f64.store (local.get $pnl)
          (f64.add (f64.load (local.get $pnl))
            (f64.add (f64.mul (local.get $x) (f64.load (local.get $a))) (f64.mul (local.get $y) (f64.load (local.get $b)))))))))

  ;; The sums of a series r[i] = x[i] * scale (n >= 1 values, written to r; r may be x), in two
  ;; passes; stats.ts summarizeScaled turns them into figures. Writes to out (doubles):
  ;;   0 sum r   1 sum min(r - mar, 0)^2   2 sum ew[i] r[i]^2   3 tail candidates counted
  ;;   4 maximum drawdown   5 ending wealth prod(1 + r)   6, 7, 8 sum (r - mean)^2, ^3, ^4
  ;; Candidates: every r[i] <= bound into buf[0..cap), in ascending order (buf has cap + 1 slots:
  ;; see pass 1); the count goes on past cap, so the caller knows the buffer overflowed (and the
  ;; candidates are then left unsorted). A NaN bound collects none.
  (func (export "summarize") (param $x i32) (param $n i32) (param $scale f64) (param $r i32) (param $mar f64)
        (param $ew i32) (param $bound f64) (param $buf i32) (param $cap i32) (param $out i32)
    (local $i i32) (local $pairs i32) (local $off i32) (local $count i32)
    (local $vscale v128) (local $vmar v128) (local $vbound v128) (local $zero v128)
    (local $v v128) (local $e v128) (local $s v128) (local $down v128) (local $ewma v128)
    (local $u f64) (local $eu f64)
    (local $sum f64) (local $downSum f64) (local $ewmaSum f64)
    (local $p i32) (local $end i32)
    (local $w f64) (local $peak f64) (local $mdd f64) (local $dd f64)
    (local $wv v128) (local $peakv v128) (local $keep v128) (local $one v128)
    (local $mean f64) (local $vmean v128) (local $d v128) (local $d2 v128)
    (local $m2 v128) (local $m3 v128) (local $m4 v128)
    (local $t f64) (local $t2 f64) (local $s2 f64) (local $s3 f64) (local $s4 f64)
    (local.set $vscale (f64x2.splat (local.get $scale)))
    (local.set $vmar (f64x2.splat (local.get $mar)))
    (local.set $vbound (f64x2.splat (local.get $bound)))
    (local.set $pairs (i32.and (local.get $n) (i32.const -2)))
    (local.set $one (f64x2.splat (f64.const 1)))

    ;; Pass 1: scale, sum, downside, EWMA and tail candidates, two days at a time; and, day by day,
    ;; wealth W0 = 1, W[t] = W[t-1] (1 + r[t]) (a product in day order) with its largest fall from
    ;; the running peak, as a fraction of the peak. The wealth is a chain of multiplies, each waiting
    ;; on the one before; the sums are not, so in one loop they run while the chain waits.
    ;; A day sets a new maximum drawdown only below floor = peak (1 + mdd), which is rare: only then
    ;; is there a division, and it is the only branch (almost never taken). Wealth and peak are held
    ;; in both lanes of a v128 for pmax(a, b) = a < b ? b : a, one instruction that also leaves the
    ;; peak as it was when the wealth is NaN (a branch on new peaks mispredicted on real series).
    (local.set $wv (local.get $one))
    (local.set $peakv (local.get $one))
    (local.set $keep (local.get $one))
    (block $done
      (loop $pass
        (br_if $done (i32.ge_u (local.get $i) (local.get $pairs)))
        (local.set $off (i32.shl (local.get $i) (i32.const 3)))
        (local.set $v (f64x2.mul (v128.load (i32.add (local.get $x) (local.get $off))) (local.get $vscale)))
        (v128.store (i32.add (local.get $r) (local.get $off)) (local.get $v))
        (local.set $s (f64x2.add (local.get $s) (local.get $v)))
        ;; min(r - mar, 0): pmin(e, 0) is e when e < 0 or e is NaN, else 0.
        (local.set $e (f64x2.pmin (f64x2.sub (local.get $v) (local.get $vmar)) (local.get $zero)))
        (local.set $down (f64x2.add (local.get $down) (f64x2.mul (local.get $e) (local.get $e))))
        (local.set $ewma (f64x2.add (local.get $ewma)
          (f64x2.mul (v128.load (i32.add (local.get $ew) (local.get $off))) (f64x2.mul (local.get $v) (local.get $v)))))
        ;; Tail candidates without a branch (which days are candidates is data, so a branch would
        ;; mispredict): each day is written at buf[min(count, cap)] (buf has a spare slot past cap)
        ;; and counted when it is at or below the bound.
        (local.set $u (f64x2.extract_lane 0 (local.get $v)))
        (f64.store (i32.add (local.get $buf) (i32.shl (select (local.get $count) (local.get $cap) (i32.lt_u (local.get $count) (local.get $cap))) (i32.const 3))) (local.get $u))
        (local.set $count (i32.add (local.get $count) (f64.le (local.get $u) (local.get $bound))))
        (local.set $u (f64x2.extract_lane 1 (local.get $v)))
        (f64.store (i32.add (local.get $buf) (i32.shl (select (local.get $count) (local.get $cap) (i32.lt_u (local.get $count) (local.get $cap))) (i32.const 3))) (local.get $u))
        (local.set $count (i32.add (local.get $count) (f64.le (local.get $u) (local.get $bound))))
        ;; Wealth and drawdown: the even day, then the odd one (same steps).
        (local.set $wv (f64x2.mul (local.get $wv) (f64x2.add (local.get $one) (f64x2.splat (f64x2.extract_lane 0 (local.get $v))))))
        (local.set $peakv (f64x2.pmax (local.get $peakv) (local.get $wv)))
        (if (v128.any_true (f64x2.lt (local.get $wv) (f64x2.mul (local.get $peakv) (local.get $keep))))
          (then
            (local.set $w (f64x2.extract_lane 0 (local.get $wv)))
            (local.set $peak (f64x2.extract_lane 0 (local.get $peakv)))
            (local.set $dd (f64.div (f64.sub (local.get $w) (local.get $peak)) (local.get $peak)))
            (if (f64.lt (local.get $dd) (local.get $mdd)) (then (local.set $mdd (local.get $dd))))
            (local.set $keep (f64x2.splat (f64.add (f64.const 1) (local.get $mdd))))))
        (local.set $wv (f64x2.mul (local.get $wv) (f64x2.add (local.get $one) (f64x2.splat (f64x2.extract_lane 1 (local.get $v))))))
        (local.set $peakv (f64x2.pmax (local.get $peakv) (local.get $wv)))
        (if (v128.any_true (f64x2.lt (local.get $wv) (f64x2.mul (local.get $peakv) (local.get $keep))))
          (then
            (local.set $w (f64x2.extract_lane 0 (local.get $wv)))
            (local.set $peak (f64x2.extract_lane 0 (local.get $peakv)))
            (local.set $dd (f64.div (f64.sub (local.get $w) (local.get $peak)) (local.get $peak)))
            (if (f64.lt (local.get $dd) (local.get $mdd)) (then (local.set $mdd (local.get $dd))))
            (local.set $keep (f64x2.splat (f64.add (f64.const 1) (local.get $mdd))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pass)))
    (local.set $sum (f64x2.extract_lane 0 (local.get $s)))
    (local.set $downSum (f64x2.extract_lane 0 (local.get $down)))
    (local.set $ewmaSum (f64x2.extract_lane 0 (local.get $ewma)))
    ;; An odd last day joins the even chain before the chains are added.
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $off (i32.shl (local.get $pairs) (i32.const 3)))
        (local.set $u (f64.mul (f64.load (i32.add (local.get $x) (local.get $off))) (local.get $scale)))
        (f64.store (i32.add (local.get $r) (local.get $off)) (local.get $u))
        (local.set $sum (f64.add (local.get $sum) (local.get $u)))
        (local.set $eu (f64.sub (local.get $u) (local.get $mar)))
        (if (f64.ge (local.get $eu) (f64.const 0)) (then (local.set $eu (f64.const 0))))
        (local.set $downSum (f64.add (local.get $downSum) (f64.mul (local.get $eu) (local.get $eu))))
        (local.set $ewmaSum (f64.add (local.get $ewmaSum)
          (f64.mul (f64.load (i32.add (local.get $ew) (local.get $off))) (f64.mul (local.get $u) (local.get $u)))))
        (f64.store (i32.add (local.get $buf) (i32.shl (select (local.get $count) (local.get $cap) (i32.lt_u (local.get $count) (local.get $cap))) (i32.const 3))) (local.get $u))
        (local.set $count (i32.add (local.get $count) (f64.le (local.get $u) (local.get $bound))))
        ;; Wealth and drawdown: the last day (same steps).
        (local.set $wv (f64x2.mul (local.get $wv) (f64x2.add (local.get $one) (f64x2.splat (local.get $u)))))
        (local.set $peakv (f64x2.pmax (local.get $peakv) (local.get $wv)))
        (if (v128.any_true (f64x2.lt (local.get $wv) (f64x2.mul (local.get $peakv) (local.get $keep))))
          (then
            (local.set $w (f64x2.extract_lane 0 (local.get $wv)))
            (local.set $peak (f64x2.extract_lane 0 (local.get $peakv)))
            (local.set $dd (f64.div (f64.sub (local.get $w) (local.get $peak)) (local.get $peak)))
            (if (f64.lt (local.get $dd) (local.get $mdd)) (then (local.set $mdd (local.get $dd))))
            (local.set $keep (f64x2.splat (f64.add (f64.const 1) (local.get $mdd))))))))
    (local.set $sum (f64.add (local.get $sum) (f64x2.extract_lane 1 (local.get $s))))
    (local.set $downSum (f64.add (local.get $downSum) (f64x2.extract_lane 1 (local.get $down))))
    (local.set $ewmaSum (f64.add (local.get $ewmaSum) (f64x2.extract_lane 1 (local.get $ewma))))
    (local.set $w (f64x2.extract_lane 0 (local.get $wv)))

    ;; Pass 2: central moments about the mean, two days at a time.
    (local.set $mean (f64.div (local.get $sum) (f64.convert_i32_u (local.get $n))))
    (local.set $vmean (f64x2.splat (local.get $mean)))
    (local.set $p (local.get $r))
    (local.set $end (i32.add (local.get $r) (i32.shl (local.get $pairs) (i32.const 3))))
    (block $done
      (loop $moments
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $d (f64x2.sub (v128.load (local.get $p)) (local.get $vmean)))
        (local.set $d2 (f64x2.mul (local.get $d) (local.get $d)))
        (local.set $m2 (f64x2.add (local.get $m2) (local.get $d2)))
        (local.set $m3 (f64x2.add (local.get $m3) (f64x2.mul (local.get $d2) (local.get $d))))
        (local.set $m4 (f64x2.add (local.get $m4) (f64x2.mul (local.get $d2) (local.get $d2))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $moments)))
    (local.set $s2 (f64x2.extract_lane 0 (local.get $m2)))
    (local.set $s3 (f64x2.extract_lane 0 (local.get $m3)))
    (local.set $s4 (f64x2.extract_lane 0 (local.get $m4)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $t (f64.sub (f64.load (local.get $end)) (local.get $mean)))
        (local.set $t2 (f64.mul (local.get $t) (local.get $t)))
        (local.set $s2 (f64.add (local.get $s2) (local.get $t2)))
        (local.set $s3 (f64.add (local.get $s3) (f64.mul (local.get $t2) (local.get $t))))
        (local.set $s4 (f64.add (local.get $s4) (f64.mul (local.get $t2) (local.get $t2))))))

    ;; The candidates in ascending order when they all fit (a few dozen: insertion sort). They are
    ;; at or below the bound, so none is NaN.
    (if (i32.le_u (local.get $count) (local.get $cap))
      (then
        (local.set $i (i32.const 1))
        (block $sorted
          (loop $insert
            (br_if $sorted (i32.ge_u (local.get $i) (local.get $count)))
            (local.set $p (i32.add (local.get $buf) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $u (f64.load (local.get $p)))
            (block $placed
              (loop $shift
                (br_if $placed (i32.le_u (local.get $p) (local.get $buf)))
                (br_if $placed (i32.eqz (f64.gt (f64.load offset=0 (i32.sub (local.get $p) (i32.const 8))) (local.get $u))))
                (f64.store (local.get $p) (f64.load (i32.sub (local.get $p) (i32.const 8))))
                (local.set $p (i32.sub (local.get $p) (i32.const 8)))
                (br $shift)))
            (f64.store (local.get $p) (local.get $u))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $insert)))))

    (f64.store offset=0 (local.get $out) (local.get $sum))
    (f64.store offset=8 (local.get $out) (local.get $downSum))
    (f64.store offset=16 (local.get $out) (local.get $ewmaSum))
    (f64.store offset=24 (local.get $out) (f64.convert_i32_u (local.get $count)))
    (f64.store offset=32 (local.get $out) (local.get $mdd))
    (f64.store offset=40 (local.get $out) (local.get $w))
    (f64.store offset=48 (local.get $out) (f64.add (local.get $s2) (f64x2.extract_lane 1 (local.get $m2))))
    (f64.store offset=56 (local.get $out) (f64.add (local.get $s3) (f64x2.extract_lane 1 (local.get $m3))))
    (f64.store offset=64 (local.get $out) (f64.add (local.get $s4) (f64x2.extract_lane 1 (local.get $m4)))))
)
