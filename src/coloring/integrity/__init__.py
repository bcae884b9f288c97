"""Evidence an auditor can rely on: a hash-chained log, its Merkle tree, seals, proofs and
`verify`."""
