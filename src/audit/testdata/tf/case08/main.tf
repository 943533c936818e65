resource "aws_security_group" "gre" {
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "47"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
