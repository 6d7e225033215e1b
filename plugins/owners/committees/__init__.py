"""Owners' committees (业主委员会) and the bodies around them: the preparatory group of the first
assembly (筹备组), the elected committee with its members, roles, term and filing (备案), the
interim property management committee (物业管理委员会), and the residents' committee told of a
meeting with its opinion (告知居委会并听取意见)."""
