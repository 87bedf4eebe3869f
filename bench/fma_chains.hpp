#pragma once
// The body of every peak FMA loop, written once; each peak_<isa>.cpp instantiates it with its own
// vector type and intrinsics (passed as lambdas, so they inline) and is compiled with that ISA's
// flags only. The lambda types differ per file, so no instantiation is shared between ISAs.
namespace bench {

template <class Vector, class Real, int lanes, class Set1, class Fmadd, class Add, class Store>
Real fma_chains(long rounds, Set1 set1, Fmadd fmadd, Add add, Store store) {
  constexpr int chains = 12;  // see peak.hpp: covers FMA latency × pipes
  // acc = acc·m + a converges to a / (1 - m): no overflow, no denormals, whatever `rounds` is.
  const Vector m = set1(Real(0.999)), a = set1(Real(0.001));
  Vector acc[chains];
  for (int k = 0; k < chains; ++k) acc[k] = set1(Real(k));
  for (long r = 0; r < rounds; ++r)
    for (int k = 0; k < chains; ++k) acc[k] = fmadd(acc[k], m, a);
  Vector sum = acc[0];
  for (int k = 1; k < chains; ++k) sum = add(sum, acc[k]);
  // Summed through memory: GCC 12 warns on its own AVX-512 reduce intrinsics (_mm512_undefined).
  Real lanes_out[lanes];
  store(lanes_out, sum);
  Real total = 0;
  for (Real lane : lanes_out) total += lane;
  return total;
}

}  // namespace bench
