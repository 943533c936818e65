resource "aws_network_acl" "main" {
  vpc_id = "vpc-123"
}

resource "aws_network_acl_rule" "deny_in" {
  network_acl_id = aws_network_acl.main.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "deny"
  from_port      = 0
  to_port        = 1023
  cidr_block     = "0.0.0.0/0"
}
