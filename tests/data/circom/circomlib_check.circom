pragma circom 2.0.0;

// A small circuit made of circomlib gadgets (Poseidon, Num2Bits, GreaterEqThan), used as an
// interoperability fixture: circom writes its .r1cs, snarkjs computes its .wtns.
include "node_modules/circomlib/circuits/poseidon.circom";
include "node_modules/circomlib/circuits/bitify.circom";
include "node_modules/circomlib/circuits/comparators.circom";

template Check() {
    signal input a;
    signal input b;
    signal input threshold;
    signal output h;
    signal output ok;

    component hash = Poseidon(2);
    hash.inputs[0] <== a;
    hash.inputs[1] <== b;
    h <== hash.out;

    component bits = Num2Bits(16);
    bits.in <== a;

    component ge = GreaterEqThan(16);
    ge.in[0] <== a;
    ge.in[1] <== threshold;
    ok <== ge.out;
}

component main {public [threshold]} = Check();
